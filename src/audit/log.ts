// The public audit API: getAuditLog() over the log a configuration points at.
import * as path from 'node:path';
import type { AuditEntry, AuditQuery } from '../types';
import { openAuditReader } from './reader';
import { chooseTrustedKeys, locateAuditLog, type TrustSource } from './location';
import type { AuditVerifyOptions, AuditVerifyResult, ConsistencyProof, InclusionProof } from './types';

export interface AuditLog {
  readonly dbPath: string;
  queryLogs(q?: AuditQuery): AuditEntry[];
  /** Without `trustedKeys`, the config's `audit.trustedKeys` are used, else the public key in the key dir (`trustSource` says which). */
  verifyIntegrity(options?: AuditVerifyOptions): AuditVerifyResult & { trustSource: TrustSource };
  getInclusionProof(seq: number, treeSize?: number): InclusionProof;
  getConsistencyProof(oldSize: number, newSize?: number): ConsistencyProof;
}

function withReader<T>(dbPath: string, fn: (reader: ReturnType<typeof openAuditReader>) => T): T {
  const reader = openAuditReader(dbPath);
  try {
    return fn(reader);
  } finally {
    reader.close();
  }
}

export function getAuditLog(options: { dbPath?: string; configPath?: string; keyDir?: string } = {}): AuditLog {
  const location = options.dbPath && options.keyDir
    ? { dbPath: options.dbPath, keyDir: options.keyDir, trustedKeys: [] }
    : { ...locateAuditLog({ configPath: options.configPath }), ...(options.dbPath ? { dbPath: options.dbPath, keyDir: options.keyDir ?? path.join(path.dirname(options.dbPath), 'keys') } : {}) };
  const dbPath = path.resolve(location.dbPath);
  return {
    dbPath,
    queryLogs: (q) => withReader(dbPath, (r) => r.query(q)),
    verifyIntegrity: (opts = {}) => {
      const trust = chooseTrustedKeys(opts.trustedKeys, location);
      return { ...withReader(dbPath, (r) => r.verify({ ...opts, trustedKeys: trust.keys })), trustSource: trust.source };
    },
    getInclusionProof: (seq, treeSize) => withReader(dbPath, (r) => r.getInclusionProof(seq, treeSize)),
    getConsistencyProof: (oldSize, newSize) => withReader(dbPath, (r) => r.getConsistencyProof(oldSize, newSize)),
  };
}
