export { openAuditWriter } from './writer';
export { openAuditReader, trustedKeyMap, type AuditReader } from './reader';
export { getAuditLog, type AuditLog } from './log';
export { verifyInclusion, verifyConsistency } from './merkle';
export type { AuditWriter, AuditWriterOptions, PendingEntry, SignedCheckpoint, InclusionProof, ConsistencyProof, AuditVerifyOptions, AuditVerifyIssue, AuditVerifyResult } from './types';
