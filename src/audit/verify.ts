// Full and incremental verification of an audit database: on top of the shared checks (verify-core.ts),
// the schema, the stored leaf hashes, the query columns and the stored Merkle nodes.
import type { KeyObject } from 'node:crypto';
import { HASH_BYTES, ZERO_HASH } from './hash';
import { consistencyPath, MerkleFrontier, subtreeHash, verifyConsistency, type PerfectSubtree } from './merkle';
import { expectedSchema, logIdOf, schemaRows, type AuditDatabase } from './schema';
import { openTreeStore } from './tree-store';
import { checkCheckpointList, checkTrustedCheckpoint, EntryStream, Issues } from './verify-core';
import type { CheckpointFields } from './encoding';
import type { AuditVerifyResult, SignedCheckpoint } from './types';

export interface VerifyInput {
  trusted: ReadonlyMap<string, KeyObject>;
  trustedCheckpoint?: SignedCheckpoint;
  since?: SignedCheckpoint;
  now?: number;
  maxCheckpointAge?: number;
  proofOfWorkBits?: number;
}

const COLUMNS = ['ts', 'actor', 'action', 'target', 'decision', 'violation'] as const;
const CHUNK = 8192;
const EMPTY = Buffer.alloc(0);

/** True when the schema is exactly the audit schema; SCHEMA_TAMPERED otherwise. */
function checkSchema(db: AuditDatabase, issues: Issues): boolean {
  const expected = expectedSchema();
  const actual = schemaRows(db);
  const missing = expected.filter((s) => !actual.includes(s));
  const extra = actual.filter((s) => !expected.includes(s));
  if (missing.length === 0 && extra.length === 0) return true;
  issues.add('SCHEMA_TAMPERED', `schema differs from the audit schema: ${[...missing.map((s) => `missing ${s}`), ...extra.map((s) => `unexpected ${s}`)].join('; ')}`);
  return false;
}

function hasColumn(db: AuditDatabase, column: string): boolean {
  return (db.prepare("SELECT name FROM pragma_table_xinfo('entries')").pluck().all() as string[]).includes(column);
}

function storedCheckpoints(db: AuditDatabase): { n: number; cp: SignedCheckpoint }[] {
  const rows = db.prepare('SELECT n, CAST(body AS TEXT) AS body, CAST(sig AS BLOB) AS sig FROM checkpoints ORDER BY n').all() as { n: number; body: string | null; sig: Buffer | null }[];
  return rows.map((r) => ({ n: r.n, cp: { body: r.body ?? '', sig: (r.sig ?? Buffer.alloc(0)).toString('base64') } }));
}

function nodesMatch(completed: readonly Buffer[], stored: Buffer | null): boolean {
  if (completed.length === 0) return stored === null;
  if (!stored || stored.length !== completed.length * HASH_BYTES) return false;
  for (let i = 0; i < completed.length; i++) if (!completed[i].equals(stored.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES))) return false;
  return true;
}

/** Where an incremental verification starts: the stored tree must reproduce the since checkpoint. */
function incrementalStart(perfect: PerfectSubtree, frontierOf: (size: number) => MerkleFrontier, since: CheckpointFields, issues: Issues): { frontier: MerkleFrontier; prevLeaf: Buffer } {
  try {
    const frontier = frontierOf(since.size);
    const prevLeaf = since.size === 0 ? ZERO_HASH : perfect(0, since.size - 1);
    if (frontier.root().toString('hex') === since.root && prevLeaf.toString('hex') === since.chainHead) return { frontier, prevLeaf };
    issues.add('INCONSISTENT_WITH_TRUSTED_CHECKPOINT', `the stored tree at size ${since.size} does not have the since checkpoint's root`, 1);
  } catch (e) {
    issues.add('INCONSISTENT_WITH_TRUSTED_CHECKPOINT', `since checkpoint: ${(e as Error).message}`, 1);
  }
  return { frontier: new MerkleFrontier(), prevLeaf: ZERO_HASH };
}

/** A trusted checkpoint older than the incremental start: checked by a consistency proof from the stored tree. */
function checkOldTrusted(perfect: PerfectSubtree, trusted: CheckpointFields, since: CheckpointFields, issues: Issues): void {
  try {
    const proof = consistencyPath(trusted.size, since.size, perfect);
    const ok = subtreeHash(0, trusted.size, perfect).toString('hex') === trusted.root &&
      verifyConsistency(trusted.size, since.size, Buffer.from(trusted.root, 'hex'), Buffer.from(since.root, 'hex'), proof);
    if (!ok) issues.add('INCONSISTENT_WITH_TRUSTED_CHECKPOINT', `the trusted checkpoint (size ${trusted.size}) is not a prefix of the since checkpoint (size ${since.size})`, 1);
  } catch (e) {
    issues.add('INCONSISTENT_WITH_TRUSTED_CHECKPOINT', (e as Error).message, 1);
  }
}

export function verifyDatabase(db: AuditDatabase, input: VerifyInput): AuditVerifyResult {
  const issues = new Issues();
  const schemaIntact = checkSchema(db, issues);
  const logId = logIdOf(db);
  const stored = storedCheckpoints(db);
  const checkpoints = checkCheckpointList(stored, logId, input.trusted, issues);
  const tree = openTreeStore(db);
  let trusted = input.trustedCheckpoint ? checkTrustedCheckpoint(input.trustedCheckpoint, 'trusted checkpoint', logId, input.trusted, issues) : null;
  const since = input.since ? checkTrustedCheckpoint(input.since, 'since checkpoint', logId, input.trusted, issues) : null;
  const leafOf = db.prepare('SELECT leaf FROM entries WHERE seq = ?').pluck();
  const leafOfSeq = (seq: number): Buffer | undefined => leafOf.get(seq) as Buffer | undefined;

  let start = { frontier: new MerkleFrontier(), prevLeaf: ZERO_HASH };
  if (since) {
    start = incrementalStart(tree.perfect, tree.frontier, since, issues);
    if (trusted && trusted.size < since.size) {
      checkOldTrusted(tree.perfect, trusted, since, issues);
      trusted = null;
    }
  }
  const stream = new EntryStream(issues, checkpoints, trusted, leafOfSeq, start.frontier, start.prevLeaf);
  stream.proofOfWorkBits = input.proofOfWorkBits ?? 0;

  // With the schema intact the query columns are computed from the body on every read, so they cannot differ;
  // they are compared only when the schema was changed (e.g. a generated column replaced by a stored one).
  const columns = schemaIntact ? [] : COLUMNS.filter((c) => hasColumn(db, c));
  const rows = db.prepare(
    `SELECT seq, CASE WHEN typeof(body) = 'text' THEN CAST(body AS BLOB) END, leaf, nodes` +
    columns.map((c) => `, CASE WHEN json_valid(body) THEN ${c} END`).join('') +
    ` FROM entries WHERE seq > ? ORDER BY seq LIMIT ${CHUNK}`,
  ).raw();
  let nodeMismatchSeen = false;
  for (let chunk = rows.all(stream.size) as unknown[][]; chunk.length; chunk = rows.all(chunk[chunk.length - 1][0]) as unknown[][]) {
    for (const row of chunk) {
      const seq = row[0] as number;
      const raw = row[1] as Buffer | null;
      const storedLeaf = row[2] as Buffer | null;
      if (!raw) issues.add('BODY_MALFORMED', 'body is not text', seq);
      const { leaf, fields, completed } = stream.push(seq, raw ?? EMPTY);
      if (!storedLeaf || !leaf.equals(storedLeaf)) issues.add('BODY_HASH_MISMATCH', 'stored leaf hash differs from the hash of the body', seq);
      if (fields) {
        for (let i = 0; i < columns.length; i++) {
          const c = columns[i];
          if (row[4 + i] !== fields[c]) { issues.add('COLUMN_BODY_MISMATCH', `column ${c} is ${JSON.stringify(row[4 + i])} but the body says ${JSON.stringify(fields[c])}`, seq); break; }
        }
      }
      // Reported once: a changed leaf changes every ancestor after it.
      if (!nodeMismatchSeen && !nodesMatch(completed, row[3] as Buffer | null)) {
        nodeMismatchSeen = true;
        issues.add('NODE_MISMATCH', 'stored Merkle nodes differ from the recomputed ones (first such row; proofs built from them will not verify)', seq);
      }
    }
  }
  const now = input.now ?? Date.now();
  stream.finish(checkpoints.length ? checkpoints[checkpoints.length - 1] : null, input.maxCheckpointAge === undefined ? null : { now, maxAge: input.maxCheckpointAge });

  const list = issues.sorted();
  return {
    valid: !list.some((i) => i.severity === 'error'),
    entries: stream.size,
    checkpoints: stored.length,
    issues: list,
    trustedKeyIds: [...input.trusted.keys()],
    root: stream.root().toString('hex'),
  };
}
