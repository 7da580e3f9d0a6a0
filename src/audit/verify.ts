// Full and incremental verification of an audit database: schema, per-entry hashes, the hash chain, sequence
// numbers, canonical encoding, query columns, stored Merkle nodes, and every checkpoint's signature and root.
import type { KeyObject } from 'node:crypto';
import { HASH_BYTES, leafHashOfBytes, ZERO_HASH } from './hash';
import { parseBody, type CheckpointFields } from './encoding';
import { MerkleFrontier, consistencyPath, subtreeHash, verifyConsistency } from './merkle';
import { expectedSchema, logIdOf, schemaRows, type AuditDatabase } from './schema';
import { openTreeStore } from './tree-store';
import { checkCheckpoint } from './checkpoint';
import type { AuditVerifyIssue, AuditVerifyResult, IssueSeverity, SignedCheckpoint } from './types';

export interface VerifyInput {
  trusted: ReadonlyMap<string, KeyObject>;
  trustedCheckpoint?: SignedCheckpoint;
  since?: SignedCheckpoint;
  now?: number;
  maxCheckpointAge?: number;
}

const WARNINGS = new Set(['UNCHECKPOINTED_TAIL']);
const COLUMNS = ['ts', 'actor', 'action', 'target', 'decision', 'violation'] as const;

interface EntryRow {
  seq: number;
  raw: Buffer | null;
  leaf: Buffer | null;
  nodes: Buffer | null;
  ts: unknown; actor: unknown; action: unknown; target: unknown; decision: unknown; violation: unknown;
}

class Issues {
  readonly list: AuditVerifyIssue[] = [];
  add(code: string, detail: string, seq?: number): void {
    const severity: IssueSeverity = WARNINGS.has(code) ? 'warning' : 'error';
    this.list.push(seq === undefined ? { code, detail, severity } : { code, seq, detail, severity });
  }
}

function checkSchema(db: AuditDatabase, issues: Issues): void {
  const expected = expectedSchema();
  const actual = schemaRows(db);
  const missing = expected.filter((s) => !actual.includes(s));
  const extra = actual.filter((s) => !expected.includes(s));
  if (missing.length || extra.length) {
    issues.add('SCHEMA_TAMPERED', `schema differs from the audit schema: ${[...missing.map((s) => `missing ${s}`), ...extra.map((s) => `unexpected ${s}`)].join('; ')}`);
  }
}

interface ValidCheckpoint { fields: CheckpointFields; }

/** Check signatures, numbering, log id and monotonicity; returns the checkpoints whose roots will be checked. */
function checkCheckpoints(db: AuditDatabase, logId: string, input: VerifyInput, issues: Issues): { valid: ValidCheckpoint[]; stored: number } {
  const rows = db.prepare('SELECT n, body, CAST(sig AS BLOB) AS sig FROM checkpoints ORDER BY n').all() as { n: number; body: string; sig: Buffer | null }[];
  const valid: ValidCheckpoint[] = [];
  const authenticate = input.trusted.size > 0;
  let expectedN = 1;
  let previous: CheckpointFields | null = null;
  for (const row of rows) {
    if (row.n !== expectedN) issues.add('CHECKPOINT_MISSING', `checkpoint numbers ${expectedN}..${row.n - 1} are missing`);
    expectedN = row.n + 1;
    const check = checkCheckpoint({ body: String(row.body), sig: (row.sig ?? Buffer.alloc(0)).toString('base64') }, input.trusted);
    let fields: CheckpointFields;
    if (check.ok) fields = check.fields;
    else if (!authenticate && check.code === 'UNKNOWN_KEY') fields = JSON.parse(String(row.body)) as CheckpointFields;
    else { issues.add(check.code, `checkpoint ${row.n}: ${check.detail}`); continue; }
    if (fields.n !== row.n) { issues.add('CHECKPOINT_NOT_MONOTONIC', `checkpoint row ${row.n} holds checkpoint number ${fields.n}`); continue; }
    if (fields.logId !== logId) { issues.add('CHECKPOINT_WRONG_LOG', `checkpoint ${row.n} belongs to log ${fields.logId}, this log is ${logId}`); continue; }
    if (previous && (fields.size < previous.size || fields.ts < previous.ts)) {
      issues.add('CHECKPOINT_NOT_MONOTONIC', `checkpoint ${row.n} (size ${fields.size}, ${fields.ts}) goes back from checkpoint ${previous.n} (size ${previous.size}, ${previous.ts})`);
      continue;
    }
    previous = fields;
    valid.push({ fields });
  }
  if (!authenticate) issues.add('NO_TRUSTED_KEY', 'no trusted public key was given, so checkpoint signatures were not checked (pass trustedKeys / --trusted-key)');
  return { valid, stored: rows.length };
}

/** A trusted checkpoint must be signed by a trusted key and belong to this log. */
function trustedFields(cp: SignedCheckpoint, what: string, logId: string, input: VerifyInput, issues: Issues): CheckpointFields | null {
  const check = checkCheckpoint(cp, input.trusted);
  if (!check.ok) { issues.add('TRUSTED_CHECKPOINT_INVALID', `${what}: ${check.detail}`); return null; }
  if (check.fields.logId !== logId) { issues.add('INCONSISTENT_WITH_TRUSTED_CHECKPOINT', `${what} belongs to log ${check.fields.logId}, this log is ${logId}`); return null; }
  return check.fields;
}

export function verifyDatabase(db: AuditDatabase, input: VerifyInput): AuditVerifyResult {
  const issues = new Issues();
  checkSchema(db, issues);
  const logId = logIdOf(db);
  const { valid: checkpoints, stored } = checkCheckpoints(db, logId, input, issues);
  const tree = openTreeStore(db);
  const trusted = input.trustedCheckpoint ? trustedFields(input.trustedCheckpoint, 'trusted checkpoint', logId, input, issues) : null;
  const since = input.since ? trustedFields(input.since, 'since checkpoint', logId, input, issues) : null;

  // Roots to compare when the recomputed tree reaches a size: every checkpoint's, and the trusted one's.
  const expectations: { size: number; root: string; chainHead: string; label: string; code: string; from: number }[] = [];
  let previousSize = 0;
  for (const { fields } of checkpoints) {
    expectations.push({ size: fields.size, root: fields.root, chainHead: fields.chainHead, label: `checkpoint ${fields.n}`, code: 'CHECKPOINT_ROOT_MISMATCH', from: previousSize + 1 });
    previousSize = fields.size;
  }
  if (trusted) expectations.push({ size: trusted.size, root: trusted.root, chainHead: trusted.chainHead, label: 'the trusted checkpoint', code: 'INCONSISTENT_WITH_TRUSTED_CHECKPOINT', from: 1 });

  let frontier = new MerkleFrontier();
  let prevLeaf: Buffer = ZERO_HASH;
  let expectedSeq = 1;
  if (since) {
    try {
      frontier = tree.frontier(since.size);
      prevLeaf = since.size === 0 ? ZERO_HASH : tree.perfect(0, since.size - 1);
    } catch (e) {
      issues.add('INCONSISTENT_WITH_TRUSTED_CHECKPOINT', `since checkpoint: ${(e as Error).message}`, since.size);
    }
    if (frontier.root().toString('hex') !== since.root || prevLeaf.toString('hex') !== since.chainHead) {
      issues.add('INCONSISTENT_WITH_TRUSTED_CHECKPOINT', `the stored tree at size ${since.size} does not match the since checkpoint's root`, since.size);
    }
    expectedSeq = since.size + 1;
    if (trusted && trusted.size <= since.size) {
      checkOldTrusted(tree.perfect, trusted, since, issues);
      expectations.pop();
    }
  }
  expectations.sort((a, b) => a.size - b.size);
  let next = 0;
  const checkExpectations = (): void => {
    while (next < expectations.length && expectations[next].size <= frontier.size) {
      const e = expectations[next++];
      if (e.size < frontier.size) continue; // before the incremental start; covered by the since checkpoint
      const root = frontier.root().toString('hex');
      if (root !== e.root || prevLeaf.toString('hex') !== e.chainHead) {
        issues.add(e.code, `the entries do not hash to the root of ${e.label} (size ${e.size}): an entry in seq ${e.from}..${e.size} was changed, inserted or removed`, e.from);
      }
    }
  };
  checkExpectations();

  const rows = db.prepare(
    `SELECT seq, CASE WHEN typeof(body) = 'text' THEN CAST(body AS BLOB) END AS raw, leaf, nodes, ` +
    COLUMNS.map((c) => `CASE WHEN json_valid(body) THEN ${c} END AS ${c}`).join(', ') +
    ' FROM entries WHERE seq >= ? ORDER BY seq',
  );
  const leafOf = db.prepare('SELECT leaf FROM entries WHERE seq = ?').pluck();
  const completed: Buffer[] = [];
  let nodeMismatchSeen = false;
  for (const row of rows.iterate(expectedSeq) as IterableIterator<EntryRow>) {
    const seq = row.seq;
    if (seq !== expectedSeq) issues.add('SEQ_GAP', `seq ${expectedSeq}${seq - 1 > expectedSeq ? `..${seq - 1}` : ''} missing`, expectedSeq);
    expectedSeq = seq + 1;
    if (!row.raw) {
      issues.add('BODY_MALFORMED', 'body is not text', seq);
      continue;
    }
    const leaf = leafHashOfBytes(row.raw);
    if (!row.leaf || !leaf.equals(row.leaf)) issues.add('BODY_HASH_MISMATCH', 'stored leaf hash differs from the hash of the body', seq);
    const parsed = parseBody(row.raw.toString('utf8'));
    if (!parsed.ok) {
      issues.add('BODY_MALFORMED', parsed.error, seq);
    } else {
      const f = parsed.fields;
      if (!parsed.canonical) issues.add('NON_CANONICAL_ENCODING', 'body is not in canonical form (key order, number format, whitespace, escaping or Unicode normalisation)', seq);
      if (f.seq !== seq) {
        const duplicate = f.seq < seq && leaf.equals((leafOf.get(f.seq) as Buffer | undefined) ?? ZERO_HASH);
        issues.add(duplicate ? 'SEQ_DUPLICATE' : 'SEQ_MISMATCH', `row ${seq} holds the body of seq ${f.seq}`, seq);
      }
      if (f.prev !== prevLeaf.toString('hex')) issues.add('CHAIN_BREAK', `prev does not match the hash of the preceding entry`, seq);
      for (const c of COLUMNS) {
        if (row[c] !== f[c]) { issues.add('COLUMN_BODY_MISMATCH', `column ${c} is ${JSON.stringify(row[c])} but the body says ${JSON.stringify(f[c])}`, seq); break; }
      }
    }
    completed.length = 0;
    frontier.push(leaf, completed);
    // Reported once: a changed leaf changes every ancestor after it.
    if (!nodeMismatchSeen && !nodesMatch(completed, row.nodes)) {
      nodeMismatchSeen = true;
      issues.add('NODE_MISMATCH', 'stored Merkle nodes differ from the recomputed ones (first such row; proofs built from them will not verify)', seq);
    }
    prevLeaf = leaf;
    checkExpectations();
  }

  const size = frontier.size;
  for (; next < expectations.length; next++) {
    const e = expectations[next];
    issues.add(e.code === 'CHECKPOINT_ROOT_MISMATCH' ? 'TRUNCATED' : e.code, `${e.label} covers ${e.size} entries but the log has ${size}: entries were removed or the log was rolled back`, size + 1);
  }
  const newest = checkpoints.length ? checkpoints[checkpoints.length - 1].fields : null;
  if (size > (newest?.size ?? 0)) issues.add('UNCHECKPOINTED_TAIL', `entries ${(newest?.size ?? 0) + 1}..${size} are not covered by a signed checkpoint yet (a writer that crashed, or entries appended without the key)`, (newest?.size ?? 0) + 1);
  if (input.maxCheckpointAge !== undefined) {
    const now = input.now ?? Date.now();
    const age = newest ? now - Date.parse(newest.ts) : Infinity;
    if (age > input.maxCheckpointAge) issues.add('STALE_CHECKPOINT', newest ? `newest checkpoint (${newest.ts}) is ${age} ms old, more than ${input.maxCheckpointAge} ms` : 'there is no checkpoint');
  }

  const errors = issues.list.filter((i) => i.severity === 'error');
  return {
    valid: errors.length === 0,
    entries: size,
    checkpoints: stored,
    issues: issues.list,
    trustedKeyIds: [...input.trusted.keys()],
    root: frontier.root().toString('hex'),
  };
}

function nodesMatch(completed: readonly Buffer[], stored: Buffer | null): boolean {
  if (completed.length === 0) return stored === null;
  if (!stored || stored.length !== completed.length * HASH_BYTES) return false;
  for (let i = 0; i < completed.length; i++) if (!completed[i].equals(stored.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES))) return false;
  return true;
}

/** A trusted checkpoint older than the incremental start: check it with a consistency proof from the stored tree. */
function checkOldTrusted(perfect: (level: number, index: number) => Buffer, trusted: CheckpointFields, since: CheckpointFields, issues: Issues): void {
  try {
    const proof = consistencyPath(trusted.size, since.size, perfect);
    const ok = verifyConsistency(trusted.size, since.size, Buffer.from(trusted.root, 'hex'), Buffer.from(since.root, 'hex'), proof) &&
      subtreeHash(0, trusted.size, perfect).toString('hex') === trusted.root;
    if (!ok) issues.add('INCONSISTENT_WITH_TRUSTED_CHECKPOINT', `the trusted checkpoint (size ${trusted.size}) is not a prefix of the since checkpoint`, 1);
  } catch (e) {
    issues.add('INCONSISTENT_WITH_TRUSTED_CHECKPOINT', (e as Error).message, 1);
  }
}
