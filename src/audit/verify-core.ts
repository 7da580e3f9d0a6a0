// The verification logic shared by the database verifier and the standalone export verifier: checkpoint
// signatures and ordering, the signed roots the entries must reach, and a streaming pass over entry bodies
// (sequence, canonical encoding, hash chain, redaction markers, the Merkle tree). Imports only node:crypto (through its siblings), so an auditor can run
// the export verifier without the database or the rest of the library.
import type { KeyObject } from 'node:crypto';
import { leadingZeroBits, leafHexOfAscii, leafHexOfBytes, ZERO_HEX } from './hash';
import { isCanonicalAsciiBody, parseBody, parseCheckpoint, REDACT_ACTION, type BodyFields, type CheckpointFields } from './encoding';
import { HexFrontier } from './merkle';
import { parseRecordTarget, REDACTED_PREFIX, type RedactionChecker } from './redaction';
import { verifyPss } from '../crypto/sign';
import { followCertificates, type SignedCertificate } from '../crypto/certificate';
import type { AuditVerifyIssue, IssueSeverity, SignedCheckpoint } from './types';

const WARNINGS = new Set(['UNCHECKPOINTED_TAIL']);

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
export function checkCheckpointList(rows: readonly { n: number; cp: SignedCheckpoint }[], logId: string, trusted: ReadonlyMap<string, KeyObject>, issues: Issues, epochStart: ReadonlyMap<string, number> = new Map()): CheckpointFields[] {
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
    const epochSize = epochStart.get(fields.keyId);
    if (epochSize !== undefined && fields.size < epochSize) { issues.add('CHECKPOINT_KEY_EPOCH', `checkpoint ${n} (size ${fields.size}) is signed by an epoch key certified only from size ${epochSize}`); continue; }
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

/** A tree head the entries must reach, signed other than by a checkpoint (a key certificate). */
export interface SignedHead { size: number; root: string; chainHead: string; label: string }

export interface EpochTrust {
  /** The pinned keys and the epoch keys certified from them. */
  trusted: Map<string, KeyObject>;
  /** Certified keys: the tree size from which each may sign. */
  epochStart: Map<string, number>;
  /** The tree heads the certificates were signed over. */
  heads: SignedHead[];
}

/**
 * Trust extended from the pinned keys through the log's key certificates (epoch keys). Without pinned keys
 * nothing can be followed. A certificate a trusted key issued that does not check out is CERTIFICATE_INVALID.
 */
export function trustWithCertificates(pinned: ReadonlyMap<string, KeyObject>, certs: readonly SignedCertificate[], logId: string, issues: Issues): EpochTrust {
  const follow = followCertificates(pinned, certs, logId);
  for (const problem of follow.invalid) issues.add('CERTIFICATE_INVALID', problem);
  const epochStart = new Map<string, number>();
  for (const c of follow.certified) if (!epochStart.has(c.keyId)) epochStart.set(c.keyId, c.size);
  const heads = follow.certified.map((c) => ({ size: c.size, root: c.root, chainHead: c.chainHead, label: `the key certificate of epoch ${c.epoch}` }));
  return { trusted: follow.keys, epochStart, heads };
}

interface Expectation { size: number; root: string; chainHead: string; label: string; code: string; from: number }

/** The roots (and chain heads) the entries must hash to at given sizes: every checkpoint's and a trusted one's. */
export class Expectations {
  private readonly list: Expectation[] = [];
  private next = 0;

  constructor(private readonly issues: Issues, checkpoints: readonly CheckpointFields[], trusted: CheckpointFields | null, heads: readonly SignedHead[] = []) {
    let previousSize = 0;
    for (const c of checkpoints) {
      const from = c.size > previousSize ? previousSize + 1 : Math.max(c.size, 1);
      this.list.push({ size: c.size, root: c.root, chainHead: c.chainHead, label: `checkpoint ${c.n}`, code: 'CHECKPOINT_ROOT_MISMATCH', from });
      previousSize = c.size;
    }
    if (trusted) this.list.push({ size: trusted.size, root: trusted.root, chainHead: trusted.chainHead, label: 'the trusted checkpoint', code: 'INCONSISTENT_WITH_TRUSTED_CHECKPOINT', from: 1 });
    for (const h of heads) this.list.push({ ...h, code: 'CHECKPOINT_ROOT_MISMATCH', from: 1 });
    this.list.sort((a, b) => a.size - b.size);
  }

  /** The sizes at which `reach` must be called, ascending. */
  sizes(): number[] {
    return this.list.map((e) => e.size);
  }

  /** The tree has `size` leaves with this root and chain head. Expectations below `size` are skipped: an incremental start vouched for them. */
  reach(size: number, root: string, chainHead: string): void {
    const list = this.list;
    while (this.next < list.length && list[this.next].size <= size) {
      const e = list[this.next++];
      if (e.size < size) continue;
      if (root !== e.root || chainHead !== e.chainHead) {
        this.issues.add(e.code, `the entries do not hash to the root of ${e.label} (size ${e.size}): an entry in seq ${e.from}..${e.size} was changed, inserted or removed`, e.from);
      }
    }
  }

  /** Expectations never reached: the log is shorter than a checkpoint says. Then the tail and staleness checks. */
  finish(size: number, newest: CheckpointFields | null, staleness: { now: number; maxAge: number } | null): void {
    for (; this.next < this.list.length; this.next++) {
      const e = this.list[this.next];
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

/** A redacted entry (seq) and the statement range and record entry its marker names. */
export interface RedactionMarkerRef { seq: number; from: number; to: number; record: number }
/** An entry that records a redaction of entries from..to. */
export interface RedactionRecordRef { seq: number; from: number; to: number }

/** Every valid marker must be backed by the entry recording its redaction (an audited operation, in the log itself). */
export function checkRedactionRecords(markers: readonly RedactionMarkerRef[], records: readonly RedactionRecordRef[], issues: Issues): void {
  const bySeq = new Map(records.map((r) => [r.seq, r]));
  for (const m of markers) {
    const r = bySeq.get(m.record);
    if (!r || r.from !== m.from || r.to !== m.to) issues.add('REDACTION_INVALID', `no entry ${m.record} recording the redaction of seq ${m.from}..${m.to}`, m.seq);
  }
}

/** Where a pass over the entries starts: the tree of the entries before it, the leaf hash of the last, and how many there are. */
export interface StreamStart {
  /** The frontier so far; a pass over one chunk of a parallel verification holds only the chunk's part of it. */
  frontier: HexFrontier;
  /** Hex leaf hash of entry `size` (zeros for 0). */
  prev: string;
  /** Entries before the pass. */
  size: number;
}

/** Sizes at which a pass reports the tree: to check signed roots, or to hand the chunk's frontier to the combining thread. */
export interface SizeWatch {
  sizes: readonly number[];
  reached(size: number, frontier: HexFrontier, chainHead: string): void;
}

export interface EntryStep {
  /** Hex leaf hash: computed from the body, or for a redacted entry the stored one. */
  leaf: string;
  /** The parsed body when it was parsed (the fast path and redacted entries have none). */
  fields: BodyFields | null;
  /** Hex interior nodes completed by this leaf, levels 1.. (reused between calls). */
  completed: string[];
  redacted: boolean;
}

/**
 * One pass over the entries in storage order. Checks sequence numbers, body form, the `prev` chain and
 * redaction markers, and grows the Merkle tree, reporting it at the watched sizes.
 */
export class EntryStream {
  private expectedSeq: number;
  private prev: string;
  private position: number;
  private watchIndex = 0;
  private readonly completed: string[] = [];
  readonly frontier: HexFrontier;
  /** Leading zero bits each leaf hash must have (proof-of-work; 0 = not checked). */
  proofOfWorkBits = 0;
  /** Redacted entries seen, with the markers that passed their checks and the redaction records seen. */
  redacted = 0;
  readonly markers: RedactionMarkerRef[] = [];
  readonly records: RedactionRecordRef[] = [];

  constructor(
    private readonly issues: Issues,
    private readonly watch: SizeWatch | null,
    /** Hex leaf hash of an earlier entry as stored (to tell a duplicated row from a misplaced one). */
    private readonly leafOfSeq: (seq: number) => string | undefined,
    private readonly redactions: RedactionChecker,
    start: StreamStart = { frontier: new HexFrontier(), prev: ZERO_HEX, size: 0 },
  ) {
    this.frontier = start.frontier;
    this.prev = start.prev;
    this.position = start.size;
    this.expectedSeq = start.size + 1;
  }

  /** Entries so far, those before the start included. */
  get size(): number {
    return this.position;
  }

  /** Hex leaf hash of the last entry. */
  get chainHead(): string {
    return this.prev;
  }

  /**
   * The fast path for the common case, decided from the text alone: the next entry in canonical form with
   * ASCII strings, chained to the previous one. Null when that is not shown; the caller then calls push().
   * The text must be the stored bytes decoded as UTF-8: ASCII text (all the fast path accepts) was decoded exactly.
   */
  pushText(seq: number, text: string): EntryStep | null {
    if (seq !== this.expectedSeq || !isCanonicalAsciiBody(text, seq, this.prev)) return null;
    return this.accept(seq, leafHexOfAscii(text), null, false);
  }

  /** Any entry, given as its stored bytes; `storedLeaf` (hex) is needed for a redacted entry. */
  push(seq: number, raw: Buffer, storedLeaf?: string): EntryStep {
    const issues = this.issues;
    if (seq !== this.expectedSeq) issues.add('SEQ_GAP', `seq ${this.expectedSeq}${seq - 1 > this.expectedSeq ? `..${seq - 1}` : ''} missing`, this.expectedSeq);
    this.expectedSeq = seq + 1;
    const text = raw.toString('utf8');
    if (text.startsWith(REDACTED_PREFIX)) return this.pushRedacted(seq, text, raw, storedLeaf);
    const leaf = leafHexOfBytes(raw);
    const parsed = parseBody(text);
    let fields: BodyFields | null = null;
    if (!parsed.ok) {
      issues.add('BODY_MALFORMED', parsed.error, seq);
    } else {
      fields = parsed.fields;
      if (!parsed.canonical) issues.add('NON_CANONICAL_ENCODING', 'body is not in canonical form (key order, number format, whitespace, escaping or Unicode normalisation)', seq);
      if (fields.seq !== seq) {
        const duplicate = fields.seq < seq && leaf === this.leafOfSeq(fields.seq);
        issues.add(duplicate ? 'SEQ_DUPLICATE' : 'SEQ_MISMATCH', `entry ${seq} holds the body of seq ${fields.seq}`, seq);
      }
      if (fields.prev !== this.prev) issues.add('CHAIN_BREAK', 'prev does not match the hash of the preceding entry', seq);
      const range = fields.action === REDACT_ACTION ? parseRecordTarget(fields.target) : null;
      if (range) this.records.push({ seq, ...range });
    }
    return this.accept(seq, leaf, fields, false);
  }

  /** A redacted entry: its leaf is the stored one (the body it hashed is gone); the marker must be valid. */
  private pushRedacted(seq: number, text: string, raw: Buffer, storedLeaf: string | undefined): EntryStep {
    const check = this.redactions.check(seq, text);
    if (!check.ok) this.issues.add('REDACTION_INVALID', `redaction marker: ${check.detail}`, seq);
    else this.markers.push({ seq, from: check.statement.from, to: check.statement.to, record: check.statement.record });
    this.redacted++;
    if (storedLeaf !== undefined && /^[0-9a-f]{64}$/.test(storedLeaf)) return this.accept(seq, storedLeaf, null, true);
    this.issues.add('REDACTION_INVALID', 'redacted entry without a stored leaf hash', seq);
    return this.accept(seq, leafHexOfBytes(raw), null, true);
  }

  private accept(seq: number, leaf: string, fields: BodyFields | null, redacted: boolean): EntryStep {
    if (this.proofOfWorkBits > 0 && leadingZeroBits(Buffer.from(leaf, 'hex')) < this.proofOfWorkBits) {
      this.issues.add('POW_INSUFFICIENT', `leaf hash has fewer than ${this.proofOfWorkBits} leading zero bits`, seq);
    }
    this.expectedSeq = seq + 1;
    this.completed.length = 0;
    this.frontier.push(leaf, this.completed);
    this.prev = leaf;
    this.position++;
    const watch = this.watch;
    if (watch) {
      const sizes = watch.sizes;
      while (this.watchIndex < sizes.length && sizes[this.watchIndex] < this.position) this.watchIndex++;
      if (this.watchIndex < sizes.length && sizes[this.watchIndex] === this.position) watch.reached(this.position, this.frontier, leaf);
    }
    return { leaf, fields, completed: this.completed, redacted };
  }
}
