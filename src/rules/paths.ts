// Where a loaded config puts its files. One place, so the runtime and every CLI command agree.
import { join, resolve } from 'node:path';
import type { LoadedConfig } from './types';

export function auditDbPath(loaded: LoadedConfig): string {
  return join(loaded.stateDir, 'audit.db');
}

export function keyDirOf(loaded: LoadedConfig): string {
  const keyDir = loaded.config.audit.keyDir;
  return keyDir ? resolve(loaded.baseDir, keyDir) : join(loaded.stateDir, 'keys');
}

/** Trusted public key files named in the config, resolved against the config's directory. */
export function trustedKeyFiles(loaded: LoadedConfig): string[] {
  return (loaded.config.audit.trustedKeys ?? []).map((file) => resolve(loaded.baseDir, file));
}
