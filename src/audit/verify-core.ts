// The verification logic shared by the database verifier and the standalone export verifier: checkpoint
// signatures and ordering, and a streaming pass over entry bodies (sequence, canonical encoding, hash chain,
// Merkle roots at every checkpoint). Imports only node:crypto (through its siblings), so an auditor can run
// the export verifier without the database or the rest of the library.
import type { KeyObject } from 'node:crypto';
import { leafHashOfBytes, ZERO_HASH } from './hash';
import { parseBody, parseCheckpoint, type BodyFields, type CheckpointFields } from './encoding';
import { MerkleFrontier } from './merkle';
import { verifyPss } from '../crypto/sign';
import type { AuditVerifyIssue, IssueSeverity, SignedCheckpoint } from './types';

const WARNINGS = new Set(['UNCHECKPOINTED_TAIL']);

export function leadingZeroBits(hash: Uint8Array): number {
  let bits = 0;
  for (const byte of hash) {
    if (byte !== 0) return bits + Math.clz32(byte) - 24;
    bits += 8;
  }
  return bits;
}

export class Issues {
  readonly list: AuditVerifyIssue[] = [];

  add(code: string, detail: string, seq?: number): void {
    const severity: IssueSeverity = WARNINGS.has(code) ? 'warning' : 'error';
    this.list.push(seq === undefined ? { code, detail, severity } : { code, seq, detail, severity });
  }

  /** Issues pinned to one seq first (ascending), then the rest in the order found. */
  sorted(): AuditVerifyIssue[] {
    const pinned = this.list.filter((i) => i.seq !== undefined && !RANGE_CODES.has(i.code)).sort((a, b) => a.seq! - b.seq!);
    return [...pinned, ...this.list.filter((i) => !pinned.includes(i))];
  }
}

/** Codes whose seq is the start of a range that holds the problem, not the bad entry itself. */
const RANGE_CODES = new Set(['CHECKPOINT_ROOT_MISMATCH', 'INCONSISTENT_WITH_TRUSTED_CHECKPOINT', 'TRUNCATED', 'UNCHECKPOINTED_TAIL']);

export type CheckpointCheck = { ok: true; fields: CheckpointFields } | { ok: false; code: 'CHECKPOINT_MALFORMED' | 'UNKNOWN_KEY' | 'CHECKPOINT_SIG_INVALID'; detail: string };

/** Parse a checkpoint and check its signature against the trusted keys (keyId → public key). */
export function checkCheckpoint(cp: SignedCheckpoint, trusted: ReadonlyMap<string, KeyObject>): CheckpointCheck {
  const parsed = parseCheckpoint(cp.body);
  if (!parsed.ok) return { ok: false, code: 'CHECKPOINT_MALFORMED', detail: parsed.error };
  const key = trusted.get(parsed.fields.keyId);
  if (!key) return { ok: false, code: 'UNKNOWN_KEY', detail: `signed by key ${parsed.fields.keyId}, which is not trusted` };
  if (!verifyPss(key, Buffer.from(cp.body, 'utf8'), Buffer.from(cp.sig, 'base64'))) {
    return { ok: false, code: 'CHECKPOINT_SIG_INVALID', detail: `signature does not verify with key ${parsed.fields.keyId}` };
  }
  return { ok: true, fields: parsed.fields };
}

/**
 * Check the stored checkpoints (in storage order, with their storage numbers): numbering, signatures, log id,
 * monotonic size and time. Returns those whose roots are to be compared. Without trusted keys the signatures
 * cannot be checked: NO_TRUSTED_KEY, and the roots are still compared.
 */
export function checkCheckpointList(rows: readonly { n: number; cp: SignedCheckpoint }[], logId: string, trusted: ReadonlyMap<string, KeyObject>, issues: Issues): CheckpointFields[] {
  const valid: CheckpointFields[] = [];
  const authenticate = trusted.size > 0;
  let expectedN = 1;
  let previous: CheckpointFields | null = null;
  for (const { n, cp } of rows) {
    if (n !== expectedN) issues.add('CHECKPOINT_MISSING', `checkpoint number${n - 1 > expectedN ? `s ${expectedN}..${n - 1} are` : ` ${expectedN} is`} missing`);
    expectedN = n + 1;
    const check = checkCheckpoint(cp, trusted);
    let fields: CheckpointFields;
    if (check.ok) fields = check.fields;
    else if (!authenticate && check.code === 'UNKNOWN_KEY') fields = JSON.parse(cp.body) as CheckpointFields; // parsed fine, key unknown
    else { issues.add(check.code, `checkpoint ${n}: ${check.detail}`); continue; }
    if (fields.n !== n) { issues.add('CHECKPOINT_NOT_MONOTONIC', `checkpoint stored as number ${n} says it is number ${fields.n}`); continue; }
    if (fields.logId !== logId) { issues.add('CHECKPOINT_WRONG_LOG', `checkpoint ${n} belongs to log ${fields.logId}, this log is ${logId}`); continue; }
    if (previous && (fields.size < previous.size || fields.ts < previous.ts)) {
      issues.add('CHECKPOINT_NOT_MONOTONIC', `checkpoint ${n} (size ${fields.size}, ${fields.ts}) goes back from checkpoint ${previous.n} (size ${previous.size}, ${previous.ts})`);
      continue;
    }
    previous = fields;
    valid.push(fields);
  }
  if (!authenticate) issues.add('NO_TRUSTED_KEY', 'no trusted public key was given, so checkpoint signatures were not checked (pass trustedKeys / --trusted-key)');
  return valid;
}

/** A checkpoint the caller trusts (from a sink, an earlier run): must verify with a trusted key and belong to this log. */
export function checkTrustedCheckpoint(cp: SignedCheckpoint, what: string, logId: string, trusted: ReadonlyMap<string, KeyObject>, issues: Issues): CheckpointFields | null {
  const check = checkCheckpoint(cp, trusted);
  if (!check.ok) { issues.add('TRUSTED_CHECKPOINT_INVALID', `${what}: ${check.detail}`); return null; }
  if (check.fields.logId !== logId) { issues.add('INCONSISTENT_WITH_TRUSTED_CHECKPOINT', `${what} belongs to log ${check.fields.logId}, this log is ${logId}`); return null; }
  return check.fields;
}

interface Expectation { size: number; root: string; chainHead: string; label: string; code: string; from: number }

export interface EntryResult {
  leaf: Buffer;
  fields: BodyFields | null;
  /** Interior nodes completed by this leaf, levels 1.. (reused between calls). */
  completed: Buffer[];
}

/**
 * One pass over the entries in storage order. Checks sequence numbers, body form, the `prev` chain, and that
 * the recomputed tree has each checkpoint's root (and chain head) when it reaches the checkpoint's size.
 */
export class EntryStream {
  private readonly expectations: Expectation[] = [];
  private next = 0;
  private expectedSeq: number;
  private prevLeaf: Buffer;
  private readonly completed: Buffer[] = [];
  /** Leading zero bits each leaf hash must have (proof-of-work; 0 = not checked). */
  proofOfWorkBits = 0;

  constructor(
    private readonly issues: Issues,
    checkpoints: readonly CheckpointFields[],
    trusted: CheckpointFields | null,
    private readonly leafOfSeq: (seq: number) => Buffer | undefined,
    private frontier = new MerkleFrontier(),
    prevLeaf: Buffer = ZERO_HASH,
  ) {
    let previousSize = 0;
    for (const c of checkpoints) {
      const from = c.size > previousSize ? previousSize + 1 : Math.max(c.size, 1);
      this.expectations.push({ size: c.size, root: c.root, chainHead: c.chainHead, label: `checkpoint ${c.n}`, code: 'CHECKPOINT_ROOT_MISMATCH', from });
      previousSize = c.size;
    }
    if (trusted) this.expectations.push({ size: trusted.size, root: trusted.root, chainHead: trusted.chainHead, label: 'the trusted checkpoint', code: 'INCONSISTENT_WITH_TRUSTED_CHECKPOINT', from: 1 });
    this.expectations.sort((a, b) => a.size - b.size);
    this.expectedSeq = frontier.size + 1;
    this.prevLeaf = prevLeaf;
    this.checkExpectations();
  }

  get size(): number {
    return this.frontier.size;
  }

  root(): Buffer {
    return this.frontier.root();
  }

  private checkExpectations(): void {
    const e0 = this.expectations;
    while (this.next < e0.length && e0[this.next].size <= this.frontier.size) {
      const e = e0[this.next++];
      if (e.size < this.frontier.size) continue; // before an incremental start, vouched for by the since checkpoint
      if (this.frontier.root().toString('hex') !== e.root || this.prevLeaf.toString('hex') !== e.chainHead) {
        this.issues.add(e.code, `the entries do not hash to the root of ${e.label} (size ${e.size}): an entry in seq ${e.from}..${e.size} was changed, inserted or removed`, e.from);
      }
    }
  }

  push(seq: number, raw: Buffer): EntryResult {
    const issues = this.issues;
    if (seq !== this.expectedSeq) issues.add('SEQ_GAP', `seq ${this.expectedSeq}${seq - 1 > this.expectedSeq ? `..${seq - 1}` : ''} missing`, this.expectedSeq);
    this.expectedSeq = seq + 1;
    const leaf = leafHashOfBytes(raw);
    const parsed = parseBody(raw.toString('utf8'));
    let fields: BodyFields | null = null;
    if (!parsed.ok) {
      issues.add('BODY_MALFORMED', parsed.error, seq);
    } else {
      fields = parsed.fields;
      if (!parsed.canonical) issues.add('NON_CANONICAL_ENCODING', 'body is not in canonical form (key order, number format, whitespace, escaping or Unicode normalisation)', seq);
      if (fields.seq !== seq) {
        const duplicate = fields.seq < seq && leaf.equals(this.leafOfSeq(fields.seq) ?? ZERO_HASH);
        issues.add(duplicate ? 'SEQ_DUPLICATE' : 'SEQ_MISMATCH', `entry ${seq} holds the body of seq ${fields.seq}`, seq);
      }
      if (fields.prev !== this.prevLeaf.toString('hex')) issues.add('CHAIN_BREAK', 'prev does not match the hash of the preceding entry', seq);
    }
    if (this.proofOfWorkBits > 0 && leadingZeroBits(leaf) < this.proofOfWorkBits) issues.add('POW_INSUFFICIENT', `leaf hash has fewer than ${this.proofOfWorkBits} leading zero bits`, seq);
    this.completed.length = 0;
    this.frontier.push(leaf, this.completed);
    this.prevLeaf = leaf;
    this.checkExpectations();
    return { leaf, fields, completed: this.completed };
  }

  /** Expectations never reached: the log is shorter than a checkpoint says. Then the tail and staleness checks. */
  finish(newest: CheckpointFields | null, staleness: { now: number; maxAge: number } | null): void {
    const size = this.frontier.size;
    for (; this.next < this.expectations.length; this.next++) {
      const e = this.expectations[this.next];
      this.issues.add(e.code === 'CHECKPOINT_ROOT_MISMATCH' ? 'TRUNCATED' : e.code, `${e.label} covers ${e.size} entries but the log has ${size}: entries were removed or the log was rolled back`, size + 1);
    }
    const covered = newest?.size ?? 0;
    if (size > covered) this.issues.add('UNCHECKPOINTED_TAIL', `entries ${covered + 1}..${size} are not covered by a signed checkpoint yet (a writer that crashed, or entries appended without the key)`, covered + 1);
    if (staleness) {
      const age = newest ? staleness.now - Date.parse(newest.ts) : Infinity;
      if (age > staleness.maxAge) this.issues.add('STALE_CHECKPOINT', newest ? `newest checkpoint (${newest.ts}) is ${age} ms old, more than ${staleness.maxAge} ms` : 'there is no checkpoint');
    }
  }
}
