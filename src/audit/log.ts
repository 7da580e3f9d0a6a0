// The public audit API: getAuditLog() over the log a configuration points at.
import path = require('node:path');
import type { AuditEntry, AuditQuery } from '../types';
import { openAuditReader, type AuditReader } from './reader';
import { chooseTrustedKeys, locateAuditLog, type AuditLocation, type TrustSource } from './location';
import type { AuditVerifyOptions, AuditVerifyResult, ConsistencyProof, InclusionProof } from './types';

export interface AuditLog {
  readonly dbPath: string;
  queryLogs(q?: AuditQuery): AuditEntry[];
  /**
   * Without `trustedKeys`, the config's `audit.trustedKeys` are trusted, else the public key in the key dir;
   * `trustSource` says which.
   */
  verifyIntegrity(options?: AuditVerifyOptions): AuditVerifyResult & { trustSource: TrustSource };
  getInclusionProof(seq: number, treeSize?: number): InclusionProof;
  getConsistencyProof(oldSize: number, newSize?: number): ConsistencyProof;
}

export interface GetAuditLogOptions {
  /** The audit database; default `<stateDir>/audit.db` of the discovered config. */
  dbPath?: string;
  /** Key dir whose public key is trusted when no trusted keys are configured; default `<dir of dbPath>/keys` with dbPath, else the config's. */
  keyDir?: string;
  configPath?: string;
}

function withReader<T>(dbPath: string, fn: (reader: AuditReader) => T): T {
  const reader = openAuditReader(dbPath);
  try {
    return fn(reader);
  } finally {
    reader.close();
  }
}

export function getAuditLog(options: GetAuditLogOptions = {}): AuditLog {
  let location: AuditLocation;
  if (options.dbPath) {
    const dbPath = path.resolve(options.dbPath);
    location = { dbPath, keyDir: path.resolve(options.keyDir ?? path.join(path.dirname(dbPath), 'keys')), trustedKeys: [], proofOfWorkBits: 0 };
  } else {
    location = locateAuditLog({ configPath: options.configPath });
    if (options.keyDir) location.keyDir = path.resolve(options.keyDir);
  }
  const { dbPath } = location;
  return {
    dbPath,
    queryLogs: (q) => withReader(dbPath, (r) => r.query(q)),
    verifyIntegrity: (opts = {}) => {
      const trust = chooseTrustedKeys(opts.trustedKeys, location);
      return { ...withReader(dbPath, (r) => r.verify({ proofOfWorkBits: location.proofOfWorkBits, ...opts, trustedKeys: trust.keys })), trustSource: trust.source };
    },
    getInclusionProof: (seq, treeSize) => withReader(dbPath, (r) => r.getInclusionProof(seq, treeSize)),
    getConsistencyProof: (oldSize, newSize) => withReader(dbPath, (r) => r.getConsistencyProof(oldSize, newSize)),
  };
}
