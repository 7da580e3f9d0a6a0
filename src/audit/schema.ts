// SQLite schema of the audit store and opening of the database.
import Database, { type BetterSqlite3 } from './sqlite';
import nodeCrypto = require('node:crypto');

const { randomBytes } = nodeCrypto;

/**
 * entries: `body` is the canonical body text, `leaf` its RFC 6962 leaf hash, `nodes` the interior Merkle nodes
 * completed by appending this leaf (levels 1..t concatenated, 32 bytes each; NULL when none).
 * Query columns are generated from the stored body, so they can never disagree with what was hashed. */
const generated = (name: string): string => `${name} TEXT GENERATED ALWAYS AS (json_extract(body, '$.${name}')) VIRTUAL`;

function appendOnly(table: string): string[] {
  return ['UPDATE', 'DELETE'].map(
    (op) => `CREATE TRIGGER IF NOT EXISTS ${table}_no_${op.toLowerCase()} BEFORE ${op} ON ${table} BEGIN SELECT RAISE(ABORT, 'audit ${table} are append-only'); END`,
  );
}

export const SCHEMA: readonly string[] = [
  'CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)',
  `CREATE TABLE IF NOT EXISTS entries (seq INTEGER PRIMARY KEY, body TEXT NOT NULL, leaf BLOB NOT NULL, nodes BLOB, ${['ts', 'actor', 'action', 'target', 'decision', 'violation'].map(generated).join(', ')})`,
  'CREATE TABLE IF NOT EXISTS checkpoints (n INTEGER PRIMARY KEY, body TEXT NOT NULL, sig BLOB NOT NULL)',
  ...appendOnly('meta'),
  ...appendOnly('entries'),
  ...appendOnly('checkpoints'),
];

export type AuditDatabase = BetterSqlite3.Database;

const BUSY_TIMEOUT_MS = 30_000;
// Captured at load: a writer can also open after user code has run (the late writer at exit).
const dateNow = Date.now;
const { wait } = Atomics;
const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Two processes opening a new log at once both read it (shared lock), then both ask for the exclusive lock the
 * switch to WAL needs: SQLite answers one of them SQLITE_BUSY at once, without its busy handler, to break the
 * deadlock. That one retries once the other has switched.
 */
function switchToWal(db: AuditDatabase, dbPath: string): void {
  const deadline = dateNow() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      if (db.pragma('journal_mode = WAL', { simple: true }) === 'wal') return;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'SQLITE_BUSY') throw error;
    }
    if (dateNow() > deadline) {
      db.close();
      throw new Error(`audit log ${dbPath}: could not switch to WAL mode within ${BUSY_TIMEOUT_MS / 1000} s (the database stays locked by another process)`);
    }
    wait(pause, 0, 0, 5);
  }
}

/**
 * WAL with synchronous=NORMAL: a committed transaction survives the process being killed (the OS has it);
 * surviving power loss as well would take an fsync per commit (synchronous=FULL), about 160 commits/s here.
 */
export function openDatabase(dbPath: string, options: { readonly?: boolean } = {}): AuditDatabase {
  const db = new Database(dbPath, { readonly: options.readonly === true, fileMustExist: options.readonly === true, timeout: BUSY_TIMEOUT_MS });
  if (!options.readonly) {
    switchToWal(db, dbPath);
    db.pragma('synchronous = NORMAL');
    // Zero the space a page split leaves unused, which otherwise keeps copies of rows that redaction replaces.
    db.pragma('secure_delete = FAST');
  }
  return db;
}

/**
 * Create the tables if missing and give the log its random id; safe when several processes open a new log at
 * once. A log that has its id is left as it is: no write lock taken at every start, and a trigger someone
 * dropped stays missing for `audit verify` to report instead of being quietly put back.
 */
export function ensureSchema(db: AuditDatabase): string {
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'meta'").get() !== undefined;
  if (hasMeta && db.prepare("SELECT 1 FROM meta WHERE key = 'logId'").get() !== undefined) return logIdOf(db);
  db.transaction(() => {
    for (const statement of SCHEMA) db.exec(statement);
    db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('logId', randomBytes(16).toString('hex'));
  }).immediate();
  return logIdOf(db);
}

export function logIdOf(db: AuditDatabase): string {
  const row = db.prepare("SELECT value FROM meta WHERE key = 'logId'").get() as { value: string } | undefined;
  if (!row) throw new Error('audit database has no log id (not an audit log, or damaged)');
  return row.value;
}

/** The schema objects a freshly created log has, to compare against a database under verification. */
export function expectedSchema(): string[] {
  const db = new Database(':memory:');
  for (const statement of SCHEMA) db.exec(statement);
  const rows = schemaRows(db);
  db.close();
  return rows;
}

export function schemaRows(db: AuditDatabase): string[] {
  const rows = db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").all() as Record<string, string>[];
  return rows.map((r) => `${r.type} ${r.name} ${r.tbl_name}: ${r.sql}`);
}
