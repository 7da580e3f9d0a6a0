// Full and incremental verification of an audit database: on top of the shared checks (verify-core.ts),
// the schema, the stored leaf hashes, the query columns and the stored Merkle nodes.
import type { KeyObject } from 'node:crypto';
import { ZERO_HEX } from './hash';
import { consistencyPath, HexFrontier, subtreeHash, verifyConsistency, type PerfectSubtree } from './merkle';
import { expectedSchema, logIdOf, schemaRows, type AuditDatabase } from './schema';
import { openTreeStore, type TreeStore } from './tree-store';
import { RedactionChecker } from './redaction';
import { storedCertificates } from './certificates';
import { checkCheckpointList, checkRedactionRecords, checkTrustedCheckpoint, EntryStream, Expectations, Issues, trustWithCertificates, type StreamStart } from './verify-core';
import { scanRows } from './verify-rows';
import { CHUNK_SIZE, combineChunks, defaultThreads, planChunks, runChunks, worthThreads, type CombinedChunks } from './verify-parallel';
import type { CheckpointFields } from './encoding';
import type { AuditVerifyResult, SignedCheckpoint } from './types';

export interface VerifyInput {
  trusted: ReadonlyMap<string, KeyObject>;
  trustedCheckpoint?: SignedCheckpoint;
  since?: SignedCheckpoint;
  now?: number;
  maxCheckpointAge?: number;
  proofOfWorkBits?: number;
  /** Worker threads for a full verification of a large log (default: one per core, at most 8); 1 = this thread only. */
  threads?: number;
  /** Entries per chunk handed to a thread, a power of two (tests use small ones). */
  chunkSize?: number;
}

const COLUMNS = ['ts', 'actor', 'action', 'target', 'decision', 'violation'] as const;

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


const EMPTY_START = (): StreamStart => ({ frontier: new HexFrontier(), prev: ZERO_HEX, size: 0 });

/** Where an incremental verification starts: the stored tree must reproduce the since checkpoint. */
function incrementalStart(tree: TreeStore, since: CheckpointFields, issues: Issues): StreamStart {
  try {
    const stored = tree.frontier(since.size);
    const frontier = new HexFrontier(stored.size, stored.hashes.map((h) => h.toString('hex')));
    const prev = since.size === 0 ? ZERO_HEX : tree.perfect(0, since.size - 1).toString('hex');
    if (frontier.root() === since.root && prev === since.chainHead) return { frontier, prev, size: since.size };
    issues.add('INCONSISTENT_WITH_TRUSTED_CHECKPOINT', `the stored tree at size ${since.size} does not have the since checkpoint's root`, 1);
  } catch (e) {
    issues.add('INCONSISTENT_WITH_TRUSTED_CHECKPOINT', `since checkpoint: ${(e as Error).message}`, 1);
  }
  return EMPTY_START();
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

interface EntryPass {
  issues: Issues;
  expectations: Expectations;
  start: StreamStart;
  end: number;
  columns: readonly string[];
  keys: ReadonlyMap<string, KeyObject>;
  logId: string;
  leafOfSeq: (seq: number) => string | undefined;
  proofOfWorkBits: number;
  threads: number;
  chunkSize: number;
}

/** The pass over the entries start+1..end: on worker threads when that is worth it and exact, else on this thread. */
function verifyEntries(db: AuditDatabase, p: EntryPass): CombinedChunks {
  if (p.columns.length === 0 && !db.memory && worthThreads(p.threads, p.end - p.start.size, p.chunkSize)) {
    const setup = { logId: p.logId, trusted: [...p.keys], proofOfWorkBits: p.proofOfWorkBits };
    const results = runChunks(db.name, setup, planChunks(p.start, p.end, p.chunkSize, p.expectations.sizes()), p.threads);
    const combined = results && combineChunks(results, p.start, p.chunkSize, p.expectations, p.issues);
    if (combined) return combined;
  }
  const watch = { sizes: p.expectations.sizes(), reached: (size: number, f: HexFrontier, head: string) => p.expectations.reach(size, f.root(), head) };
  const stream = new EntryStream(p.issues, watch, p.leafOfSeq, new RedactionChecker(p.keys, p.logId), p.start);
  stream.proofOfWorkBits = p.proofOfWorkBits;
  scanRows(db, stream, p.issues, { from: p.start.size, to: p.end, columns: p.columns, nodeMismatchSeen: false });
  return { size: stream.size, root: stream.frontier.root(), redacted: stream.redacted, markers: stream.markers, records: stream.records };
}

export function verifyDatabase(db: AuditDatabase, input: VerifyInput): AuditVerifyResult {
  const issues = new Issues();
  const schemaIntact = checkSchema(db, issues);
  const logId = logIdOf(db);
  const stored = storedCheckpoints(db);
  const epochs = trustWithCertificates(input.trusted, storedCertificates(db), logId, issues);
  const keys = epochs.trusted;
  const checkpoints = checkCheckpointList(stored, logId, keys, issues, epochs.epochStart);
  const tree = openTreeStore(db);
  let trusted = input.trustedCheckpoint ? checkTrustedCheckpoint(input.trustedCheckpoint, 'trusted checkpoint', logId, keys, issues) : null;
  const since = input.since ? checkTrustedCheckpoint(input.since, 'since checkpoint', logId, keys, issues) : null;
  const leafOf = db.prepare('SELECT lower(hex(leaf)) FROM entries WHERE seq = ?').pluck();
  const leafOfSeq = (seq: number): string | undefined => leafOf.get(seq) as string | undefined;

  let start = EMPTY_START();
  if (since) {
    start = incrementalStart(tree, since, issues);
    if (trusted && trusted.size < since.size) {
      checkOldTrusted(tree.perfect, trusted, since, issues);
      trusted = null;
    }
  }
  const expectations = new Expectations(issues, checkpoints, trusted, epochs.heads);
  expectations.reach(start.size, start.frontier.root(), start.prev);
  const end = db.prepare('SELECT coalesce(max(seq), 0) FROM entries').pluck().get() as number;
  // With the schema intact the query columns are computed from the body on every read, so they cannot differ;
  // they are compared only when the schema was changed (e.g. a generated column replaced by a stored one).
  const columns = schemaIntact ? [] : COLUMNS.filter((c) => hasColumn(db, c));
  const done = verifyEntries(db, { issues, expectations, start, end, columns, keys, logId, leafOfSeq, proofOfWorkBits: input.proofOfWorkBits ?? 0, threads: input.threads ?? defaultThreads(), chunkSize: input.chunkSize ?? CHUNK_SIZE });
  checkRedactionRecords(done.markers, done.records, issues);
  const now = input.now ?? Date.now();
  expectations.finish(done.size, checkpoints.length ? checkpoints[checkpoints.length - 1] : null, input.maxCheckpointAge === undefined ? null : { now, maxAge: input.maxCheckpointAge });

  const list = issues.sorted();
  return {
    valid: !list.some((i) => i.severity === 'error'),
    entries: done.size,
    checkpoints: stored.length,
    redacted: done.redacted,
    issues: list,
    trustedKeyIds: [...keys.keys()],
    root: done.root,
  };
}
