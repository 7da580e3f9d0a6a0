// The audit log's own files. The program may not write the database (audit.db and its -wal, -shm and
// -journal files) or anything in the key directory (a new signing key, a forged certificate), and may
// not read the private signing key: with it a forged log would verify. Whatever the rules say, each
// attempt is a `runtime_bypass` violation (refused at staging and production, recorded in development).
// What native code does with these files (better-sqlite3 opened by the program) is not seen here; see
// docs/threat-model.md.
import { join } from 'node:path';
import { PRIVATE_KEY_FILE } from '../crypto/keys';
import type { GovernanceDeniedError } from '../kernel/errors';
import { checkAction, checkCoveredRead, checkViolation, isAllowedCoveredRead } from '../kernel/gate';
import { primordials } from '../primordials';
import { resolveTarget } from './fs-paths';
import { checkProcessMemory } from './process-memory';

const { StringPrototypeStartsWith } = primordials;
const DB_SUFFIXES = ['', '-wal', '-shm', '-journal'];

let databaseFiles: readonly string[] = [];
let keyDir: string | null = null;
let keyDirPrefix = '';
let privateKey: string | null = null;

/** Called at activation with the log's location (symlinks resolved as the fs hooks resolve targets). */
export function protectLogFiles(location: { dbPath: string; keyDir: string }): void {
  const db = resolveTarget(location.dbPath, true);
  const files: string[] = [];
  for (let i = 0; i < DB_SUFFIXES.length; i++) primordials.ArrayPrototypePush(files, db + DB_SUFFIXES[i]);
  databaseFiles = primordials.freeze(files);
  keyDir = resolveTarget(location.keyDir, true);
  keyDirPrefix = `${keyDir}/`;
  privateKey = join(keyDir, PRIVATE_KEY_FILE);
}

/** `file_write` of a file of the log: refused whatever the rules say; null when `target` is not one. */
export function checkLogWrite(target: string): GovernanceDeniedError | null {
  if (keyDir === null) return null;
  if (target === keyDir || StringPrototypeStartsWith(target, keyDirPrefix)) return refuse('file_write', target, 'writing the audit log\'s key directory could replace its signing key');
  for (let i = 0; i < databaseFiles.length; i++) {
    if (databaseFiles[i] === target) return refuse('file_write', target, 'writing the audit database directly would bypass its hash chain');
  }
  return null;
}

/**
 * `file_read` of `target`, refused for the private signing key whatever the rules say. `covered`: a recorded
 * decision stands for it, so an allow is not recorded again (see checkCoveredRead).
 */
export function checkRead(target: string, covered = false): GovernanceDeniedError | null {
  if (covered && isAllowedCoveredRead(target)) return null; // it passed the checks below before, and the rules alone allow it
  if (target === privateKey) return refuse('file_read', target, 'reading the audit log\'s private signing key would let a forged log verify');
  const memory = checkProcessMemory('file_read', target);
  if (memory !== null) return memory;
  return covered ? checkCoveredRead(target) : checkAction('file_read', target);
}

/**
 * `file_read` of a whole directory tree (a recursive copy, a WASI preopen): refused when the private key
 * is in it.
 */
export function checkTreeRead(dir: string): GovernanceDeniedError | null {
  if (privateKey !== null && (dir === '/' || StringPrototypeStartsWith(privateKey, `${dir}/`))) return refuse('file_read', dir, 'the directory holds the audit log\'s private signing key');
  return checkRead(dir);
}

function refuse(kind: 'file_read' | 'file_write', target: string, reason: string): GovernanceDeniedError | null {
  return checkViolation(kind, target, 'runtime_bypass', reason);
}
