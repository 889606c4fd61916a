import type { Principal } from '../auth/principal.js';

/** What happened (mapped to DICOM/IHE ATNA EventID codes in audit/atna.ts). */
export type AuditAction =
  | 'login'
  | 'logout'
  | 'query'
  | 'read'
  | 'write'
  | 'export'
  | 'share'
  | 'delete'
  | 'admin'
  | 'security-alert';

/** One event to append to the hash-chained audit trail (the trail adds time and chain fields). */
export interface AuditEventInput {
  action: AuditAction;
  outcome: 'success' | 'failure';
  /** Who; omit for failed logins of unknown users (then give `actorName`). */
  principal?: Principal;
  /** Login name tried (failed logins), or the calling AE title of a DIMSE peer, when there is no principal. */
  actorName?: string;
  /** Kind of actor when there is no principal (default: 'user'; DIMSE peers: 'dimse'). */
  actorKind?: Principal['kind'];
  /** The actor's institution when there is no principal (a DIMSE peer's institution). */
  institutionPk?: string | null;
  /** Client IP or calling AE host. */
  address?: string;
  /** What: a study/patient/user/rule…; patient fields may hold PHI (the audit trail is a protected store). */
  resource?: {
    type:
      | 'study'
      | 'series'
      | 'instance'
      | 'patient'
      | 'user'
      | 'token'
      | 'institution'
      | 'rule'
      | 'job'
      | 'report'
      | 'system';
    id?: string;
    studyUids?: string[];
    patientId?: string;
  };
  /** Route pattern or DIMSE service (e.g. 'GET /dicomweb/studies', 'C-FIND'); never a raw URL. */
  via?: string;
  /** Short machine-readable detail (error code, counts); no PHI. */
  detail?: Record<string, string | number | boolean>;
}

/** The audit trail as other areas use it. */
export interface AuditSink {
  /** Appends an event; resolves once it is durable in the trail. Never throws on a caller's path: failures are logged. */
  record(event: AuditEventInput): Promise<void>;
}
