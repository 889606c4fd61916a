import type { AuditEventInput } from './types.js';

/** A coded value of DICOM's DCM coding scheme (PS3.16 CID 400/401, PS3.15 A.5). */
export interface AtnaCode {
  /** 'DCM 110112'-style: coding scheme designator, space, code value. */
  code: string;
  /** Code meaning as PS3.16 spells it. */
  meaning: string;
}

/** EventActionCode (PS3.15 A.5.1 / RFC 3881): Create, Read, Update, Delete, Execute. */
export type AtnaActionCode = 'C' | 'R' | 'U' | 'D' | 'E';

/** What an audit event is in DICOM Audit Trail Message terms. */
export interface AtnaEvent {
  /** EventID (PS3.16 CID 400 "Audit Event ID"). */
  eventId: AtnaCode;
  /** EventTypeCode (PS3.16 CID 401 "Audit Event Type Code") where the message defines one. */
  eventType: AtnaCode | null;
  actionCode: AtnaActionCode;
}

const dcm = (value: string, meaning: string): AtnaCode => ({ code: `DCM ${value}`, meaning });

/** CID 400 codes Lingshu uses. */
export const EVENT_IDS = {
  applicationActivity: dcm('110100', 'Application Activity'),
  auditLogUsed: dcm('110101', 'Audit Log Used'),
  instancesAccessed: dcm('110103', 'DICOM Instances Accessed'),
  instancesTransferred: dcm('110104', 'DICOM Instances Transferred'),
  studyDeleted: dcm('110105', 'DICOM Study Deleted'),
  export: dcm('110106', 'Export'),
  query: dcm('110112', 'Query'),
  securityAlert: dcm('110113', 'Security Alert'),
  userAuthentication: dcm('110114', 'User Authentication'),
} as const;

/** CID 401 codes Lingshu uses. */
export const EVENT_TYPES = {
  login: dcm('110122', 'Login'),
  logout: dcm('110123', 'Logout'),
  securityConfiguration: dcm('110129', 'Security Configuration'),
  softwareConfiguration: dcm('110131', 'Software Configuration'),
  useOfRestrictedFunction: dcm('110132', 'Use of Restricted Function'),
  userSecurityAttributesChanged: dcm('110137', 'User Security Attributes Changed'),
} as const;

/** Admin changes: what kind of configuration the changed resource is. */
function adminType(resource: AuditEventInput['resource']): AtnaCode {
  switch (resource?.type) {
    case 'user':
    case 'token':
      return EVENT_TYPES.userSecurityAttributesChanged;
    case 'institution':
      return EVENT_TYPES.securityConfiguration;
    default:
      return EVENT_TYPES.softwareConfiguration;
  }
}

/**
 * Maps an audit action to its DICOM audit message (PS3.15 A.5.3). Choices where the standard
 * leaves room are explained in docs/audit.md ("ATNA codes").
 */
export function atnaEventOf(event: Pick<AuditEventInput, 'action' | 'resource'>): AtnaEvent {
  switch (event.action) {
    case 'login':
      return { eventId: EVENT_IDS.userAuthentication, eventType: EVENT_TYPES.login, actionCode: 'E' };
    case 'logout':
      return { eventId: EVENT_IDS.userAuthentication, eventType: EVENT_TYPES.logout, actionCode: 'E' };
    case 'query':
      return { eventId: EVENT_IDS.query, eventType: null, actionCode: 'E' };
    case 'read':
      // Reading the audit trail itself is "Audit Log Used" (A.5.3.2, action R).
      if (event.resource?.type === 'system' && event.resource.id === 'audit-log')
        return { eventId: EVENT_IDS.auditLogUsed, eventType: null, actionCode: 'R' };
      return { eventId: EVENT_IDS.instancesAccessed, eventType: null, actionCode: 'R' };
    case 'write':
      // Instances received over the network (STOW-RS, C-STORE) and created here: Transferred, C.
      return { eventId: EVENT_IDS.instancesTransferred, eventType: null, actionCode: 'C' };
    case 'export':
      return { eventId: EVENT_IDS.export, eventType: null, actionCode: 'R' };
    case 'share':
      // Another institution may now read the study: data leaves the owner's scope, as in Export.
      return { eventId: EVENT_IDS.export, eventType: null, actionCode: 'R' };
    case 'delete':
      return { eventId: EVENT_IDS.studyDeleted, eventType: null, actionCode: 'D' };
    case 'admin':
      return { eventId: EVENT_IDS.securityAlert, eventType: adminType(event.resource), actionCode: 'E' };
    case 'security-alert':
      return { eventId: EVENT_IDS.securityAlert, eventType: EVENT_TYPES.useOfRestrictedFunction, actionCode: 'E' };
  }
}
