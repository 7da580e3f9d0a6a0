// Where a configuration puts the audit log, the signing key and the trusted keys, and which keys to trust.
import fs = require('node:fs');
import path = require('node:path');
import { loadConfig } from '../rules/load';
import { PUBLIC_KEY_FILE, ROOT_PUBLIC_KEY_FILE } from '../crypto/keys';
import type { LoadedConfig } from '../rules/types';

export interface AuditLocation {
  dbPath: string;
  keyDir: string;
  /** `audit.trustedKeys` resolved against the config file's directory. */
  trustedKeys: string[];
  /** `audit.proofOfWork.bits` (0 when off): what the writer must do and the verifier requires. */
  proofOfWorkBits: number;
}

export function auditLocation(loaded: LoadedConfig): AuditLocation {
  const audit = loaded.config.audit;
  return {
    dbPath: path.join(loaded.stateDir, 'audit.db'),
    keyDir: audit.keyDir ? path.resolve(loaded.baseDir, audit.keyDir) : path.join(loaded.stateDir, 'keys'),
    trustedKeys: (audit.trustedKeys ?? []).map((k) => path.resolve(loaded.baseDir, k)),
    proofOfWorkBits: audit.proofOfWork?.bits ?? 0,
  };
}

export function locateAuditLog(options: { configPath?: string; cwd?: string } = {}): AuditLocation {
  return auditLocation(loadConfig(options));
}

export type TrustSource = 'given' | 'config' | 'keyDir' | 'none';

/**
 * The keys to trust: those given, else the config's `audit.trustedKeys`, else the key dir's root public key
 * (written at the first rotation) or its public key.
 * The last is convenient for the default setup but only as good as the key dir: someone who can rewrite the
 * log and replace that file defeats it. A pinned key (`audit.trustedKeys`, `--trusted-key`) does not have that hole.
 */
export function chooseTrustedKeys(given: readonly string[] | undefined, location: Pick<AuditLocation, 'keyDir' | 'trustedKeys'>): { keys: string[]; source: TrustSource } {
  if (given && given.length) return { keys: [...given], source: 'given' };
  if (location.trustedKeys.length) return { keys: [...location.trustedKeys], source: 'config' };
  // After a rotation the key dir's current key is an epoch key: trust the log's first key and follow the certificates.
  for (const file of [ROOT_PUBLIC_KEY_FILE, PUBLIC_KEY_FILE]) {
    const pub = path.join(location.keyDir, file);
    if (fs.existsSync(pub)) return { keys: [pub], source: 'keyDir' };
  }
  return { keys: [], source: 'none' };
}
