// Read side of the audit store: queries over the generated columns, proofs, checkpoints and verification.
import fs = require('node:fs');
import type { KeyObject } from 'node:crypto';
import type { AuditEntry, AuditQuery, Decision } from '../types';
import { parseBody } from './encoding';
import { consistencyPath, inclusionPath, subtreeHash } from './merkle';
import { openDatabase } from './schema';
import { openTreeStore } from './tree-store';
import { REDACTED_PREFIX } from './redaction';
import { storedCertificates } from './certificates';
import type { SignedCertificate } from '../crypto/certificate';
import { verifyDatabase } from './verify';
import { publicKeyFromPem, readPublicKeyFile } from '../crypto/keys';
import type { AuditVerifyOptions, AuditVerifyResult, ConsistencyProof, InclusionProof, SignedCheckpoint } from './types';

export interface AuditReader {
  query(q?: AuditQuery): AuditEntry[];
  /** Entries with seq greater than `afterSeq`, oldest first (for `audit tail`). */
  entriesAfter(afterSeq: number, limit?: number): AuditEntry[];
  size(): number;
  verify(options?: AuditVerifyOptions): AuditVerifyResult;
  getInclusionProof(seq: number, treeSize?: number): InclusionProof;
  getConsistencyProof(oldSize: number, newSize?: number): ConsistencyProof;
  latestCheckpoint(): SignedCheckpoint | null;
  checkpoints(): SignedCheckpoint[];
  /** Key certificates stored with the log (epoch keys). */
  certificates(): SignedCertificate[];
  /** Stored body texts in seq order (for export), with the stored leaf hash (hex) of redacted entries. */
  bodies(): IterableIterator<{ seq: number; body: string; leaf: string | null }>;
  logId(): string;
  close(): void;
}

/** Redacted entries have no fields to show: queries and tail leave them out (verify counts them). */
const NOT_REDACTED = `substr(body, 1, ${REDACTED_PREFIX.length}) != '${REDACTED_PREFIX}'`;

const DECISIONS: readonly Decision[] = ['allow', 'deny', 'would_deny', 'approved'];

function isoBound(value: string, name: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`${name} must be an ISO-8601 timestamp, got "${value}"`);
  return new Date(ms).toISOString();
}

function toEntry(seq: number, body: string): AuditEntry {
  const parsed = parseBody(body);
  if (!parsed.ok) throw new Error(`audit entry ${seq} is malformed (${parsed.error}); run \`mltrainer-governance audit verify\``);
  const f = parsed.fields;
  return {
    seq: f.seq, ts: f.ts, pid: f.pid, actor: f.actor, action: f.action, target: f.target, decision: f.decision as Decision,
    ruleId: f.ruleId, level: f.level as AuditEntry['level'], reason: f.reason, caller: f.caller, violation: f.violation as AuditEntry['violation'],
  };
}

/** Trusted keys given as PEM text or as paths of PEM files, by keyId. */
export function trustedKeyMap(keys: readonly string[] = []): Map<string, KeyObject> {
  const map = new Map<string, KeyObject>();
  for (const k of keys) {
    const key = k.includes('-----BEGIN') ? publicKeyFromPem(k, 'trusted key') : readPublicKeyFile(k);
    map.set(key.keyId, key.publicKey);
  }
  return map;
}

function toMillis(now: string | number | undefined): number | undefined {
  if (now === undefined || typeof now === 'number') return now;
  const ms = Date.parse(now);
  if (Number.isNaN(ms)) throw new Error(`now must be an ISO-8601 timestamp or milliseconds, got "${now}"`);
  return ms;
}

export function openAuditReader(dbPath: string): AuditReader {
  if (!fs.existsSync(dbPath)) throw new Error(`no audit log at ${dbPath}`);
  const db = openDatabase(dbPath, { readonly: true });
  const tree = openTreeStore(db, { cache: true });
  const sizeStmt = db.prepare('SELECT coalesce(max(seq), 0) FROM entries').pluck();
  const size = (): number => sizeStmt.get() as number;

  function checkSize(n: number, name: string, max: number): void {
    if (!Number.isSafeInteger(n) || n < 0 || n > max) throw new Error(`${name} must be an integer 0..${max}, got ${n}`);
  }

  return {
    query(q: AuditQuery = {}): AuditEntry[] {
      const where: string[] = [NOT_REDACTED];
      const args: (string | number)[] = [];
      for (const key of ['actor', 'action', 'decision'] as const) {
        const v = q[key];
        if (v === undefined) continue;
        if (key === 'decision' && !DECISIONS.includes(v as Decision)) throw new Error(`decision must be one of ${DECISIONS.join(', ')}, got "${v}"`);
        where.push(`${key} = ?`);
        args.push(v);
      }
      if (q.since !== undefined) { where.push('ts >= ?'); args.push(isoBound(q.since, 'since')); }
      if (q.until !== undefined) { where.push('ts <= ?'); args.push(isoBound(q.until, 'until')); }
      const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
      let sql = `SELECT seq, body FROM entries ${filter} ORDER BY seq`;
      if (q.limit !== undefined) {
        if (!Number.isSafeInteger(q.limit) || q.limit < 0) throw new Error(`limit must be a non-negative integer, got ${q.limit}`);
        // The newest `limit` matches, still returned oldest first.
        sql = `SELECT * FROM (SELECT seq, body FROM entries ${filter} ORDER BY seq DESC LIMIT ?) ORDER BY seq`;
        args.push(q.limit);
      }
      const rows = db.prepare(sql).all(...args) as { seq: number; body: string }[];
      return rows.map((r) => toEntry(r.seq, r.body));
    },
    entriesAfter(afterSeq, limit = 1000) {
      const rows = db.prepare(`SELECT seq, body FROM entries WHERE seq > ? AND ${NOT_REDACTED} ORDER BY seq LIMIT ?`).all(afterSeq, limit) as { seq: number; body: string }[];
      return rows.map((r) => toEntry(r.seq, r.body));
    },
    size,
    verify(options: AuditVerifyOptions = {}): AuditVerifyResult {
      return verifyDatabase(db, {
        trusted: trustedKeyMap(options.trustedKeys),
        trustedCheckpoint: options.trustedCheckpoint,
        since: options.since,
        now: toMillis(options.now),
        maxCheckpointAge: options.maxCheckpointAge,
        proofOfWorkBits: options.proofOfWorkBits,
        threads: options.threads,
      });
    },
    getInclusionProof(seq: number, treeSize?: number): InclusionProof {
      const n = treeSize ?? size();
      checkSize(n, 'treeSize', size());
      if (!Number.isSafeInteger(seq) || seq < 1 || seq > n) throw new Error(`seq must be an integer 1..${n}, got ${seq}`);
      return {
        seq, leafIndex: seq - 1, treeSize: n,
        leafHash: tree.perfect(0, seq - 1).toString('hex'),
        path: inclusionPath(seq - 1, 0, n, tree.perfect).map((h) => h.toString('hex')),
        root: subtreeHash(0, n, tree.perfect).toString('hex'),
      };
    },
    getConsistencyProof(oldSize: number, newSize?: number): ConsistencyProof {
      const n = newSize ?? size();
      checkSize(n, 'newSize', size());
      checkSize(oldSize, 'oldSize', n);
      return {
        oldSize, newSize: n,
        oldRoot: subtreeHash(0, oldSize, tree.perfect).toString('hex'),
        newRoot: subtreeHash(0, n, tree.perfect).toString('hex'),
        path: consistencyPath(oldSize, n, tree.perfect).map((h) => h.toString('hex')),
      };
    },
    latestCheckpoint(): SignedCheckpoint | null {
      const row = db.prepare('SELECT body, sig FROM checkpoints ORDER BY n DESC LIMIT 1').get() as { body: string; sig: Buffer } | undefined;
      return row ? { body: row.body, sig: Buffer.from(row.sig).toString('base64') } : null;
    },
    checkpoints(): SignedCheckpoint[] {
      const rows = db.prepare('SELECT body, sig FROM checkpoints ORDER BY n').all() as { body: string; sig: Buffer }[];
      return rows.map((r) => ({ body: r.body, sig: Buffer.from(r.sig).toString('base64') }));
    },
    certificates: () => storedCertificates(db),
    bodies() {
      return db.prepare(`SELECT seq, body, CASE WHEN NOT ${NOT_REDACTED} THEN lower(hex(leaf)) END AS leaf FROM entries ORDER BY seq`)
        .iterate() as IterableIterator<{ seq: number; body: string; leaf: string | null }>;
    },
    logId(): string {
      return (db.prepare("SELECT value FROM meta WHERE key = 'logId'").pluck().get() as string | undefined) ?? '';
    },
    close(): void {
      db.close();
    },
  };
}
