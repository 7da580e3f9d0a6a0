// Helpers for the audit tests: a real log on disk, tampering through a second SQLite connection the way an
// attacker would (dropping the defensive triggers and putting them back), and verification with the pinned key.
import Database, { type BetterSqlite3 } from '../../src/audit/sqlite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAuditWriter, openAuditReader } from '../../src/audit/index';
import { encodeBody, parseBody } from '../../src/audit/encoding';
import { leafHashOfText } from '../../src/audit/hash';
import { openTreeStore } from '../../src/audit/tree-store';
import type { PendingEntry, AuditVerifyOptions, AuditVerifyResult, AuditWriterOptions } from '../../src/audit/index';

export const dirs: string[] = [];

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'audit-test-'));
  dirs.push(dir);
  return dir;
}

export function cleanup(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  sharedKeyDir = null;
}

export function entry(i: number, overrides: Partial<PendingEntry> = {}): PendingEntry {
  return {
    ts: Date.UTC(2026, 0, 1) + i, pid: 4242, actor: i % 3 ? 'alice' : 'bob', action: i % 5 ? 'file_read' : 'file_write',
    target: `/data/file-${String(i).padStart(4, '0')}.csv`, decision: i % 7 ? 'allow' : 'deny', ruleId: i % 7 ? 'read' : null,
    level: 'production', reason: i % 7 ? 'rule read allows' : 'no rule allows this', caller: `/app/main.js:${i}`, violation: null, ...overrides,
  };
}

export interface TestLog {
  dir: string;
  dbPath: string;
  keyDir: string;
  pub: string;
}

let sharedKeyDir: string | null = null;

/** One signing key for the tests of a file (RSA key generation is the slow part of a small log). */
function sharedKeys(): string {
  sharedKeyDir ??= join(tempDir(), 'keys');
  return sharedKeyDir;
}

/**
 * A log of `entries` entries committed in batches of `batch`, with a checkpoint after every batch.
 * `ownKey`: a key of its own instead of the shared one.
 */
export function makeLog(options: { entries?: number; batch?: number; dir?: string; ownKey?: boolean; writer?: Partial<AuditWriterOptions> } = {}): TestLog {
  const dir = options.dir ?? tempDir();
  const dbPath = join(dir, 'audit.db');
  const keyDir = options.ownKey ? join(dir, 'keys') : sharedKeys();
  const n = options.entries ?? 40;
  const batch = options.batch ?? 10;
  const w = openAuditWriter({ dbPath, keyDir, checkpointEvery: batch, ...options.writer });
  for (let i = 1; i <= n; i++) {
    w.append(entry(i));
    if (i % batch === 0) w.flush();
  }
  w.close();
  return { dir, dbPath, keyDir, pub: join(keyDir, 'log-signing.pub.pem') };
}

export function appendMore(log: TestLog, from: number, count: number, overrides: Partial<PendingEntry> = {}): void {
  const w = openAuditWriter({ dbPath: log.dbPath, keyDir: log.keyDir, checkpointEvery: 10 });
  for (let i = from; i < from + count; i++) w.append(entry(i, overrides));
  w.close();
}

export function verify(log: TestLog, options: AuditVerifyOptions = {}): AuditVerifyResult {
  const reader = openAuditReader(log.dbPath);
  try {
    return reader.verify({ trustedKeys: [log.pub], ...options });
  } finally {
    reader.close();
  }
}

/** Run `fn` on a second connection with the append-only triggers dropped, then restore them as they were. */
export function tamper(dbPath: string, fn: (db: BetterSqlite3.Database) => void): void {
  const db = new Database(dbPath);
  const triggers = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger'").all() as { name: string; sql: string }[];
  for (const t of triggers) db.exec(`DROP TRIGGER ${t.name}`);
  fn(db);
  for (const t of triggers) db.exec(t.sql);
  db.close();
}

export function body(db: BetterSqlite3.Database, seq: number): string {
  return (db.prepare('SELECT body FROM entries WHERE seq = ?').pluck().get(seq) as string);
}

/**
 * The thorough attacker: replace body `seq` with `transform(body)` and recompute everything stored after it
 * (leaf hashes, the prev chain, Merkle nodes), leaving only the signed checkpoints untouched.
 */
export function rewriteFrom(db: BetterSqlite3.Database, seq: number, transform: (body: string) => string): void {
  const tree = openTreeStore(db);
  const frontier = tree.frontier(seq - 1);
  let prev = seq === 1 ? '0'.repeat(64) : tree.perfect(0, seq - 2).toString('hex');
  const rows = db.prepare('SELECT seq, body FROM entries WHERE seq >= ? ORDER BY seq').all(seq) as { seq: number; body: string }[];
  const update = db.prepare('UPDATE entries SET body = ?, leaf = ?, nodes = ? WHERE seq = ?');
  for (const row of rows) {
    let text = row.body;
    if (row.seq === seq) text = transform(text);
    else {
      const parsed = parseBody(text);
      if (!parsed.ok) throw new Error(parsed.error);
      text = encodeBody({ ...parsed.fields, prev });
    }
    if (row.seq === seq && text.includes('"prev"') && prev !== JSON.parse(text).prev) text = text.replace(/"prev":"[0-9a-f]{64}"/, `"prev":"${prev}"`);
    const leaf = leafHashOfText(text);
    const completed: Buffer[] = [];
    frontier.push(leaf, completed);
    update.run(text, leaf, completed.length ? Buffer.concat(completed) : null, row.seq);
    prev = leaf.toString('hex');
  }
}

export function codes(result: AuditVerifyResult): string[] {
  return result.issues.filter((i) => i.severity === 'error').map((i) => i.code);
}

/** The first issue pinned to a seq (issues are sorted that way). */
export function firstBad(result: AuditVerifyResult): { code: string; seq?: number } {
  const i = result.issues.find((x) => x.severity === 'error');
  return { code: i?.code ?? 'none', seq: i?.seq };
}
