// Canonical encoding of audit entry bodies and checkpoint bodies (see docs/audit.md, "Canonical encoding").
// The encoded string's UTF-8 bytes are what is stored and hashed. Only built-ins are used, so the standalone
// export verifier can share this file; built-ins are captured at load because the writer runs after user code.

const { apply } = Reflect;
const jsonStringify = JSON.stringify;
const jsonParse = JSON.parse;
const stringNormalize = String.prototype.normalize;
const dateToISOString = Date.prototype.toISOString;
const DateCtor = Date;
const isSafeInteger = Number.isSafeInteger;
const regexpTest = RegExp.prototype.test;
const stringStartsWith = String.prototype.startsWith;
const stringSlice = String.prototype.slice;

export const BODY_VERSION = 1;

/**
 * Body keys in their canonical order. `prev` is the hex leaf hash of the previous entry (the hash chain);
 * `nonce` is present only when proof-of-work is enabled.
 */
export const BODY_KEYS = ['v', 'seq', 'prev', 'ts', 'pid', 'actor', 'action', 'target', 'decision', 'ruleId', 'level', 'reason', 'caller', 'violation'] as const;

export interface BodyFields {
  v: 1;
  seq: number;
  prev: string;
  ts: string;
  pid: number;
  actor: string;
  action: string;
  target: string;
  decision: string;
  ruleId: string | null;
  level: string;
  reason: string;
  caller: string | null;
  violation: string | null;
  nonce?: number;
}

const NON_ASCII = /[^\x00-\x7f]/;
const ISO_TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const HEX32 = /^[0-9a-f]{64}$/;
const DECISIONS = ['allow', 'deny', 'would_deny', 'approved'];
const LEVELS = ['development', 'staging', 'production'];
/** The action of the entry that records a redaction (see redaction.ts). */
export const REDACT_ACTION = 'audit_redact';

export function nfc(s: string): string {
  return apply(regexpTest, NON_ASCII, [s]) ? apply(stringNormalize, s, ['NFC']) : s;
}

function nfcOrNull(s: string | null): string | null {
  return s === null ? null : nfc(s);
}

export function isoFromMillis(ms: number): string {
  return apply(dateToISOString, new DateCtor(ms), []);
}

export type BodyInput = Omit<BodyFields, 'v'>;

/** Printable ASCII other than `"` and `\` (DEL included): JSON.stringify writes such a string as it is between quotes, and it is in NFC. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7f]*$/;

function isPlain(s: unknown): boolean {
  return typeof s === 'string' && apply(regexpTest, PLAIN, [s]);
}

function isPlainOrNull(s: unknown): boolean {
  return s === null || isPlain(s);
}

function quoted(s: string | null): string {
  return s === null ? 'null' : '"' + s + '"';
}

/**
 * The canonical body text: keys in BODY_KEYS order, no whitespace, integers only, strings in NFC and escaped
 * as JSON.stringify does. Bodies whose numbers are safe integers and whose strings are plain (the usual case)
 * are concatenated directly, which gives the same text as stringifyBody at a fraction of its cost.
 */
export function encodeBody(f: BodyInput): string {
  const { seq, prev, ts, pid, actor, action, target, decision, ruleId, level, reason, caller, violation, nonce } = f;
  if (!isSafeInteger(seq) || !isSafeInteger(pid) || !(nonce === undefined || isSafeInteger(nonce)) || !isPlain(prev) || !isPlain(ts) ||
    !isPlain(actor) || !isPlain(action) || !isPlain(target) || !isPlain(decision) || !isPlainOrNull(ruleId) || !isPlain(level) ||
    !isPlain(reason) || !isPlainOrNull(caller) || !isPlainOrNull(violation)) return stringifyBody(f);
  return '{"v":1,"seq":' + seq + ',"prev":"' + prev + '","ts":"' + ts + '","pid":' + pid + ',"actor":"' + actor + '","action":"' + action +
    '","target":"' + target + '","decision":"' + decision + '","ruleId":' + quoted(ruleId) + ',"level":"' + level + '","reason":"' + reason +
    '","caller":' + quoted(caller) + ',"violation":' + quoted(violation) + (nonce === undefined ? '}' : ',"nonce":' + nonce + '}');
}

/** The canonical body text by definition: one JSON.stringify of an object literal whose keys are created in canonical order. */
export function stringifyBody(f: BodyInput): string {
  const o: BodyFields = {
    v: 1, seq: f.seq, prev: f.prev, ts: f.ts, pid: f.pid, actor: nfc(f.actor), action: nfc(f.action), target: nfc(f.target),
    decision: f.decision, ruleId: nfcOrNull(f.ruleId), level: f.level, reason: nfc(f.reason), caller: nfcOrNull(f.caller),
    violation: nfcOrNull(f.violation),
  };
  if (f.nonce !== undefined) o.nonce = f.nonce;
  return jsonStringify(o);
}

export type ParsedBody = { ok: true; fields: BodyFields; canonical: boolean } | { ok: false; error: string };

function isStr(v: unknown): v is string {
  return typeof v === 'string';
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && isSafeInteger(v) && v >= 0;
}

function keyOrderError(o: Record<string, unknown>): string | null {
  let i = 0;
  for (const k in o) {
    const expected = i < BODY_KEYS.length ? BODY_KEYS[i] : i === BODY_KEYS.length ? 'nonce' : undefined;
    if (k !== expected) return `key ${jsonStringify(k)} at position ${i + 1}, expected ${expected ?? 'none'}`;
    i++;
  }
  return i < BODY_KEYS.length ? `missing key ${BODY_KEYS[i]}` : null;
}

/** The last timestamp found valid: consecutive entries mostly share it, and the Date round trip is costly. */
let lastValidTs = '';

function isValidTs(ts: unknown): boolean {
  if (ts === lastValidTs) return true;
  if (!isStr(ts) || !apply(regexpTest, ISO_TS, [ts])) return false;
  const ms = new DateCtor(ts).getTime();
  // A date that does not exist (month 13) is NaN, which toISOString would throw on.
  if (ms !== ms || isoFromMillis(ms) !== ts) return false;
  lastValidTs = ts;
  return true;
}

function shapeError(o: Record<string, unknown>): string | null {
  if (o.v !== BODY_VERSION) return `unsupported body version ${jsonStringify(o.v)}`;
  if (!isCount(o.seq) || o.seq < 1) return 'seq must be a positive integer';
  if (!isStr(o.prev) || !apply(regexpTest, HEX32, [o.prev])) return 'prev must be 64 lowercase hex digits';
  if (!isCount(o.pid)) return 'pid must be a non-negative integer';
  if (!isValidTs(o.ts)) return 'ts must be an ISO-8601 UTC timestamp with milliseconds';
  if (!isStr(o.actor) || !isStr(o.action) || !isStr(o.target) || !isStr(o.reason)) return 'actor, action, target and reason must be strings';
  if (!(o.ruleId === null || isStr(o.ruleId)) || !(o.caller === null || isStr(o.caller)) || !(o.violation === null || isStr(o.violation))) return 'ruleId, caller and violation must be strings or null';
  if (!DECISIONS.includes(o.decision as string)) return `unknown decision ${jsonStringify(o.decision)}`;
  if (!LEVELS.includes(o.level as string)) return `unknown level ${jsonStringify(o.level)}`;
  if ('nonce' in o && !isCount(o.nonce)) return 'nonce must be a non-negative integer';
  return null;
}

function isNfc(o: BodyFields): boolean {
  for (const s of [o.actor, o.action, o.target, o.reason, o.ruleId, o.caller, o.violation]) {
    if (s !== null && apply(regexpTest, NON_ASCII, [s]) && apply(stringNormalize, s, ['NFC']) !== s) return false;
  }
  return true;
}

/**
 * Parse a stored body. `canonical` is false when the text is not exactly the canonical encoding of the parsed
 * fields (other key order or number format, whitespace, escapes, strings not in NFC).
 */
export function parseBody(text: string): ParsedBody {
  let o: unknown;
  try {
    o = jsonParse(text);
  } catch (e) {
    return { ok: false, error: `not JSON: ${(e as Error).message}` };
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return { ok: false, error: 'not a JSON object' };
  const record = o as Record<string, unknown>;
  const error = shapeError(record);
  if (error) return { ok: false, error };
  const fields = o as BodyFields;
  const canonical = keyOrderError(record) === null && jsonStringify(o) === text && (!apply(regexpTest, NON_ASCII, [text]) || isNfc(fields));
  return { ok: true, fields, canonical };
}

// The canonical form of a body whose strings are ASCII, as one regular expression from `ts` on (the start is
// compared as a string). A JSON string as JSON.stringify writes it: printable ASCII except `"` and `\`
// (DEL included), the short escapes, and `\u00xx` (lowercase) for the other control characters.
const ASCII_STR = String.raw`"(?:[\x20\x21\x23-\x5b\x5d-\x7f]|\\["\\bfnrt]|\\u00(?:0[0-7bef]|1[0-9a-f]))*"`;
const OPT_STR = `(?:null|${ASCII_STR})`;
// At most 15 digits: always a safe integer.
const COUNT = '(?:0|[1-9][0-9]{0,14})';
const TS_LENGTH = 24;
const SEQ_KEY = '{"v":1,"seq":';
const SEQ_AT = SEQ_KEY.length;
const PREV_KEY = ',"prev":"';
const TS_KEY = '","ts":"';
const CANONICAL_ASCII_TAIL = new RegExp(
  String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z","pid":${COUNT},"actor":${ASCII_STR},"action":(?!"${REDACT_ACTION}")${ASCII_STR},` +
  `"target":${ASCII_STR},"decision":"(?:${DECISIONS.join('|')})","ruleId":${OPT_STR},"level":"(?:${LEVELS.join('|')})",` +
  `"reason":${ASCII_STR},"caller":${OPT_STR},"violation":${OPT_STR}(?:,"nonce":${COUNT})?}$`,
  'y',
);

/**
 * The verifier's fast path, exact for what it accepts: true only when `text` is the canonical body of entry
 * `seq` whose `prev` is `prevHex`, with ASCII-only strings (hence in NFC) and a valid timestamp, and is not a
 * redaction record; everything parseBody would accept as canonical with those values. False means "not shown
 * here" (non-ASCII text, an unusual escape, a redaction record, or a bad body): the caller then runs parseBody.
 */
export function isCanonicalAsciiBody(text: string, seq: number, prevHex: string): boolean {
  // The start compared piece by piece: no prefix string to build per entry.
  const seqText = '' + seq;
  const prevAt = SEQ_AT + seqText.length + PREV_KEY.length;
  const tsAt = prevAt + prevHex.length + TS_KEY.length;
  if (!apply(stringStartsWith, text, [SEQ_KEY]) || !apply(stringStartsWith, text, [seqText, SEQ_AT]) || !apply(stringStartsWith, text, [PREV_KEY, SEQ_AT + seqText.length]) ||
    !apply(stringStartsWith, text, [prevHex, prevAt]) || !apply(stringStartsWith, text, [TS_KEY, prevAt + prevHex.length])) return false;
  CANONICAL_ASCII_TAIL.lastIndex = tsAt;
  return apply(regexpTest, CANONICAL_ASCII_TAIL, [text]) && isValidTs(apply(stringSlice, text, [tsAt, tsAt + TS_LENGTH]));
}

/** Fields of a checkpoint, the statement that gets signed. */
export interface CheckpointFields {
  logId: string;
  /** Checkpoint number, 1-based and consecutive, so a deleted checkpoint leaves a gap. */
  n: number;
  /** Number of entries covered (the Merkle tree size). */
  size: number;
  /** Hex RFC 6962 Merkle root over entries 1..size. */
  root: string;
  /** Hex leaf hash of entry `size` (the head of the hash chain; zeros when size is 0). */
  chainHead: string;
  ts: string;
  keyId: string;
}

const CHECKPOINT_KEYS = ['v', 'logId', 'n', 'size', 'root', 'chainHead', 'ts', 'keyId'];

export function encodeCheckpoint(c: CheckpointFields): string {
  return jsonStringify({ v: 1, logId: c.logId, n: c.n, size: c.size, root: c.root, chainHead: c.chainHead, ts: c.ts, keyId: c.keyId });
}

/** Parse a checkpoint body; only canonical bodies are accepted (they are signed, so there is no reason for another form). */
export function parseCheckpoint(text: string): { ok: true; fields: CheckpointFields } | { ok: false; error: string } {
  let o: Record<string, unknown>;
  try {
    o = jsonParse(text);
  } catch (e) {
    return { ok: false, error: `not JSON: ${(e as Error).message}` };
  }
  if (typeof o !== 'object' || o === null) return { ok: false, error: 'not a JSON object' };
  if (Object.keys(o).join(',') !== CHECKPOINT_KEYS.join(',')) return { ok: false, error: `expected keys ${CHECKPOINT_KEYS.join(',')}` };
  if (o.v !== 1 || !isStr(o.logId) || !isCount(o.n) || !isCount(o.size) || !isStr(o.ts) || !apply(regexpTest, ISO_TS, [o.ts])) return { ok: false, error: 'field of the wrong type' };
  for (const k of ['root', 'chainHead', 'keyId'] as const) if (!apply(regexpTest, HEX32, [o[k]])) return { ok: false, error: `${k} must be 64 lowercase hex digits` };
  const fields = o as unknown as CheckpointFields;
  if (encodeCheckpoint(fields) !== text) return { ok: false, error: 'not in canonical form' };
  return { ok: true, fields };
}
