export { type AtnaEvent, atnaEventOf, EVENT_IDS, EVENT_TYPES } from './atna.js';
export { type AuditRow, GENESIS_HASH, hashRecord } from './chain.js';
export {
  type AuditFilter,
  countAudit,
  jsonLine,
  parseAuditFilter,
  queryAudit,
  streamAudit,
} from './query.js';
export { auditDb } from './table.js';
export { AuditTrail } from './trail.js';
export type { AuditAction, AuditEventInput, AuditSink } from './types.js';
export { type ChainBreak, type VerifyResult, verifyChain } from './verify.js';
