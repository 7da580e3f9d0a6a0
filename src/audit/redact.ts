// Redacting entries (a single one, or retention: every entry older than a date): the operation is first
// recorded in the log as an `audit_redact` entry, then each body is replaced by a marker carrying a statement
// signed with the log key, in one transaction that lifts the append-only trigger on `entries` and puts it
// back. The stored leaf hashes and Merkle nodes are not touched, so checkpoints and proofs still verify.
import os = require('node:os');
import type { Level } from '../types';
import { isoFromMillis, REDACT_ACTION } from './encoding';
import { openDatabase, logIdOf } from './schema';
import { openAuditWriter } from './writer';
import { encodeMarker, recordTarget, REDACTED_PREFIX, signStatement } from './redaction';
import { loadSigningKey } from '../crypto/keys';

const BATCH = 8192;

interface Row { seq: number; body: unknown; action: string | null }

export interface RedactOptions {
  dbPath: string;
  keyDir: string;
  /** The entries: one seq, a range, or every entry with ts before a date (retention). */
  seq?: number;
  from?: number;
  to?: number;
  before?: string;
  reason: string;
  actor?: string;
  level?: Level;
}

export interface RedactSummary {
  from: number;
  to: number;
  /** seq of the entry recording the redaction. */
  record: number;
  redacted: number;
  /** Entries in the range left alone: already redacted, or themselves redaction records. */
  skipped: number;
}

function selectRange(db: ReturnType<typeof openDatabase>, options: RedactOptions): { from: number; to: number } | null {
  const size = db.prepare('SELECT coalesce(max(seq), 0) FROM entries').pluck().get() as number;
  if (options.before !== undefined) {
    const ms = Date.parse(options.before);
    if (Number.isNaN(ms)) throw new Error(`before must be an ISO-8601 timestamp, got "${options.before}"`);
    const row = db.prepare('SELECT min(seq) AS lo, max(seq) AS hi FROM entries WHERE ts < ?').get(isoFromMillis(ms)) as { lo: number | null; hi: number | null };
    return row.lo === null || row.hi === null ? null : { from: row.lo, to: row.hi };
  }
  const from = options.seq ?? options.from;
  const to = options.seq ?? options.to ?? from;
  if (from === undefined || to === undefined) throw new Error('name the entries to redact: a seq, a range or a date');
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 1 || to < from || to > size) throw new Error(`the entries to redact must lie in 1..${size}, got ${from}..${to}`);
  return { from, to };
}

export function redactEntries(options: RedactOptions): RedactSummary | null {
  if (!options.reason.trim()) throw new Error('a reason is required');
  const key = loadSigningKey(options.keyDir);
  if (!key) throw new Error(`no log signing key in ${options.keyDir}: redaction must be signed with the log key`);
  const db = openDatabase(options.dbPath);
  try {
    db.pragma('secure_delete = ON');
    const range = selectRange(db, options);
    if (!range) return null;
    const logId = logIdOf(db);
    const sizeBefore = db.prepare('SELECT coalesce(max(seq), 0) FROM entries').pluck().get() as number;
    const target = recordTarget(range.from, range.to);
    const writer = openAuditWriter({ dbPath: options.dbPath, keyDir: options.keyDir });
    try {
      writer.appendDurable({
        ts: Date.now(), pid: process.pid, actor: options.actor ?? os.userInfo().username, action: REDACT_ACTION, target, decision: 'allow',
        ruleId: null, level: options.level ?? 'production', reason: options.reason, caller: null, violation: null,
      });
    } finally {
      writer.close();
    }
    const record = db.prepare('SELECT seq FROM entries WHERE seq > ? AND action = ? AND target = ? ORDER BY seq LIMIT 1').pluck().get(sizeBefore, REDACT_ACTION, target) as number | undefined;
    if (record === undefined) throw new Error('the redaction record was not found after writing it');
    const statement = signStatement({ logId, from: range.from, to: range.to, record, ts: isoFromMillis(Date.now()), reason: options.reason, keyId: key.keyId }, key.privateKey);
    const trigger = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = 'entries_no_update'").pluck().get() as string | undefined;
    // In batches: a retention run may cover most of a large log.
    const rows = db.prepare(`SELECT seq, body, action FROM entries WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ${BATCH}`);
    const update = db.prepare('UPDATE entries SET body = ? WHERE seq = ?');
    let redacted = 0;
    let skipped = 0;
    db.transaction(() => {
      if (trigger) db.exec('DROP TRIGGER entries_no_update');
      for (let batch = rows.all(range.from - 1, range.to) as Row[]; batch.length; batch = rows.all(batch[batch.length - 1].seq, range.to) as Row[]) {
        for (const row of batch) {
          if (typeof row.body !== 'string' || row.body.startsWith(REDACTED_PREFIX) || row.action === REDACT_ACTION) { skipped++; continue; }
          update.run(encodeMarker(statement.text, statement.sig, row.seq), row.seq);
          redacted++;
        }
      }
      if (trigger) db.exec(trigger);
    }).immediate();
    // The old text must not linger in the WAL or in freed space of the file.
    db.pragma('wal_checkpoint(TRUNCATE)');
    return { ...range, record, redacted, skipped };
  } finally {
    db.close();
  }
}
