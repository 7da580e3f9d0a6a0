// The audit log's own files. The program may not write the database (audit.db and its -wal, -shm and
// -journal files) or anything in the key directory (a new signing key, a forged certificate) or in the
// load-time checker's cache (a forged result would pass a module), and may not read the private signing
// key: with it a forged log would verify. Nor may it rename or remove the state dir, either of those
// directories or any ancestor of them or of the database: the files would be at paths no check names.
// Whatever the rules say, each attempt is a `runtime_bypass` violation (refused at staging and production,
// recorded in development).
// What native code does with these files (better-sqlite3 opened by the program) is not seen here; see
// docs/threat-model.md.
import { join } from 'node:path';
import { PRIVATE_KEY_FILE } from '../crypto/keys';
import type { GovernanceDeniedError } from '../kernel/errors';
import { checkAction, checkCoveredRead, checkViolation, isAllowedCoveredRead } from '../kernel/gate';
import { primordials } from '../primordials';
import { resolveTarget } from './fs-paths';
import { isOwnFile, ownFileAnchors } from './own-files';
import { checkProcessMemory } from './process-memory';

const { StringPrototypeStartsWith } = primordials;
const DB_SUFFIXES = ['', '-wal', '-shm', '-journal'];

let databaseFiles: readonly string[] = [];
let keyDir: string | null = null;
let keyDirPrefix = '';
let cacheDir = '';
let cacheDirPrefix = '';
let privateKey: string | null = null;
/** What a rename or removal may neither be nor be an ancestor of: the state dir, the key and cache dirs, the database. */
let anchors: readonly string[] = [];

/**
 * Called at activation with the log's location and the load-time checker's cache directory (symlinks resolved
 * as the fs hooks resolve targets).
 */
export function protectLogFiles(location: { dbPath: string; keyDir: string }, stateDir: string, analysisCacheDir: string): void {
  const db = resolveTarget(location.dbPath, true);
  const files: string[] = [];
  for (let i = 0; i < DB_SUFFIXES.length; i++) primordials.ArrayPrototypePush(files, db + DB_SUFFIXES[i]);
  databaseFiles = primordials.freeze(files);
  keyDir = resolveTarget(location.keyDir, true);
  keyDirPrefix = `${keyDir}/`;
  cacheDir = resolveTarget(analysisCacheDir, true);
  cacheDirPrefix = `${cacheDir}/`;
  privateKey = join(keyDir, PRIVATE_KEY_FILE);
  anchors = primordials.freeze([resolveTarget(stateDir, true), keyDir, cacheDir, db]);
}

/** `file_write` of a file of the log: refused whatever the rules say; null when `target` is not one. */
export function checkLogWrite(target: string): GovernanceDeniedError | null {
  if (keyDir === null) return null;
  if (target === keyDir || StringPrototypeStartsWith(target, keyDirPrefix)) return refuse('file_write', target, 'writing the audit log\'s key directory could replace its signing key');
  if (target === cacheDir || StringPrototypeStartsWith(target, cacheDirPrefix)) return refuse('file_write', target, 'writing the load-time checker\'s cache could pass a module unchecked');
  for (let i = 0; i < databaseFiles.length; i++) {
    if (databaseFiles[i] === target) return refuse('file_write', target, 'writing the audit database directly would bypass its hash chain');
  }
  if (isOwnFile(target)) return refuse('file_write', target, 'writing governance\'s installed files would change what governs every governed child and the next process');
  return null;
}

/**
 * `file_write` of `target` as the source or destination of a rename, or a recursive removal: refused when it is
 * the state dir, the key or cache directory, the database or an ancestor of one of them. Only moves and removals
 * ask this; ordinary writes need only checkLogWrite.
 */
export function checkLogTreeMove(target: string): GovernanceDeniedError | null {
  const below = target === '/' ? '/' : `${target}/`;
  for (let i = 0; i < anchors.length; i++) {
    const anchor = anchors[i];
    if (anchor === target || StringPrototypeStartsWith(anchor, below)) return refuse('file_write', target, 'moving or removing the audit log\'s state directory or an ancestor would expose its key and database at paths no check names');
  }
  const own = ownFileAnchors();
  for (let i = 0; i < own.length; i++) {
    if (own[i] === target || StringPrototypeStartsWith(own[i], below)) return refuse('file_write', target, 'moving or removing governance\'s installed files or a directory above them would let another copy take their place');
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
