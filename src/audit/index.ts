export { openAuditWriter } from './writer';
export type { AuditWriter, AuditWriterOptions, PendingEntry, SignedCheckpoint, InclusionProof, ConsistencyProof, AuditVerifyOptions, AuditVerifyIssue, AuditVerifyResult } from './types';
