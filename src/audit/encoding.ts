// Canonical encoding of audit entry bodies and checkpoint bodies (see docs/audit.md, "Canonical encoding").
// The encoded string's UTF-8 bytes are what is stored and hashed. Only built-ins are used, so the standalone
// export verifier can share this file; built-ins are captured at load because the writer runs after user code.

const { apply } = Reflect;
const jsonStringify = JSON.stringify;
const setPrototypeOf = Reflect.setPrototypeOf;
const jsonParse = JSON.parse;
const stringNormalize = String.prototype.normalize;
const dateToISOString = Date.prototype.toISOString;
const DateCtor = Date;
const isSafeInteger = Number.isSafeInteger;
const regexpExec = RegExp.prototype.exec;
// RegExp.prototype.test calls the regex's `exec` property, which the program can replace: a replaced exec ran
// inside the commit of every durable denial until 2026-11-23. The captured exec is called directly instead.
const regexpTest = function (this: RegExp, s: string): boolean {
  return apply(regexpExec, this, [s]) !== null;
};
const stringStartsWith = String.prototype.startsWith;
const stringSlice = String.prototype.slice;
const stringCharCodeAt = String.prototype.charCodeAt;
const stringPadStart = String.prototype.padStart;
const { floor } = Math;
const bufferFrom = Buffer.from;
const bufferWrite = Buffer.prototype.write;
type StringWrite = (this: Buffer, s: string, offset: number) => number;
/** Buffer's own latin1 writer (every current Node line has it): write() spends more on its arguments than on a short string. */
const latin1Write: StringWrite = (Buffer.prototype as unknown as { latin1Write?: StringWrite }).latin1Write ??
  function (this: Buffer, s: string, offset: number): number { return apply(bufferWrite, this, [s, offset, 'latin1']) as number; };
const uint8Set = Uint8Array.prototype.set;

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

const MS_PER_DAY = 86_400_000;
/** 10000-01-01T00:00:00.000Z: from there on toISOString writes six-digit years. */
const YEAR_10000_MS = 253_402_300_800_000;

function pad(n: number, width: number): string {
  const s = '' + n;
  return s.length >= width ? s : apply(stringPadStart, s, [width, '0']) as string;
}

/**
 * What Date.prototype.toISOString gives, computed with integer arithmetic for times from 1970 to 9999: the
 * first toISOString of a process costs 0.3-2 ms (V8 sets up its date cache), which fell on the audit
 * writer's first commit. Days to civil date: Howard Hinnant's `civil_from_days`.
 */
export function isoFromMillis(ms: number): string {
  if (!isSafeInteger(ms) || ms < 0 || ms >= YEAR_10000_MS) return apply(dateToISOString, new DateCtor(ms), []);
  const days = floor(ms / MS_PER_DAY);
  const inDay = ms - days * MS_PER_DAY;
  const z = days + 719_468; // days since 0000-03-01
  const era = floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = floor((dayOfEra - floor(dayOfEra / 1460) + floor(dayOfEra / 36_524) - floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + floor(yearOfEra / 4) - floor(yearOfEra / 100));
  const shifted = floor((5 * dayOfYear + 2) / 153); // months since March
  const day = dayOfYear - floor((153 * shifted + 2) / 5) + 1;
  const month = shifted < 10 ? shifted + 3 : shifted - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const seconds = floor(inDay / 1000);
  return pad(year, 4) + '-' + pad(month, 2) + '-' + pad(day, 2) + 'T' + pad(floor(seconds / 3600), 2) + ':' +
    pad(floor(seconds / 60) % 60, 2) + ':' + pad(seconds % 60, 2) + '.' + pad(inDay % 1000, 3) + 'Z';
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

/** Bytes of the fields that usually repeat from one entry to the next: who (pid, actor) and why (decision .. violation). */
interface Repeated {
  pid: number;
  actor: string;
  who: Uint8Array | null;
  decision: string;
  ruleId: string | null;
  level: string;
  reason: string;
  caller: string | null;
  violation: string | null;
  why: Uint8Array | null;
}
const repeated: Repeated = { pid: -1, actor: '', who: null, decision: '', ruleId: null, level: '', reason: '', caller: null, violation: null, why: null };

/** Room a plain body needs beyond its strings and repeated pieces: the other keys, quotes, seq and nonce. */
const PLAIN_BODY_FIXED = 128;

function putAscii(buf: Uint8Array, at: number, s: string): number {
  for (let i = 0; i < s.length; i++) buf[at + i] = apply(stringCharCodeAt, s, [i]);
  return at + s.length;
}

/** A plain string between quotes, or -1 when it is not plain. */
function putQuoted(buf: Buffer, at: number, s: string): number {
  if (!isPlain(s)) return -1;
  buf[at] = 0x22;
  const end = at + 1 + apply(latin1Write, buf, [s, at + 1]);
  buf[end] = 0x22;
  return end + 1;
}

/** A non-negative safe integer (what JSON.stringify writes for it), or -1 for any other number. */
function putCount(buf: Uint8Array, at: number, n: number): number {
  if (!isSafeInteger(n) || n < 0) return -1;
  let end = at + 1;
  for (let p = 10; p <= n; p *= 10) end++;
  for (let i = end - 1; i >= at; i--) {
    const digit = n % 10;
    buf[i] = 0x30 + digit;
    n = (n - digit) / 10;
  }
  return end;
}

/** The bytes of `"pid":..,"actor":"..","action":"`, or null when not plain. */
function whoBytes(f: BodyInput): Uint8Array | null {
  if (!isSafeInteger(f.pid) || f.pid < 0 || !isPlain(f.actor)) return null;
  return bufferFrom(',"pid":' + f.pid + ',"actor":"' + f.actor + '","action":', 'latin1');
}

/** The bytes of `,"decision":.. ,"violation":..`, or null when not plain. */
function whyBytes(f: BodyInput): Uint8Array | null {
  if (!isPlain(f.decision) || !isPlainOrNull(f.ruleId) || !isPlain(f.level) || !isPlain(f.reason) || !isPlainOrNull(f.caller) || !isPlainOrNull(f.violation)) return null;
  return bufferFrom(',"decision":"' + f.decision + '","ruleId":' + quoted(f.ruleId) + ',"level":"' + f.level + '","reason":"' + f.reason +
    '","caller":' + quoted(f.caller) + ',"violation":' + quoted(f.violation), 'latin1');
}

function whoOf(f: BodyInput): Uint8Array | null {
  const r = repeated;
  if (r.who === null || f.pid !== r.pid || f.actor !== r.actor) {
    r.who = whoBytes(f);
    r.pid = f.pid; r.actor = f.actor;
  }
  return r.who;
}

function whyOf(f: BodyInput): Uint8Array | null {
  const r = repeated;
  if (r.why === null || f.decision !== r.decision || f.ruleId !== r.ruleId || f.level !== r.level || f.reason !== r.reason || f.caller !== r.caller || f.violation !== r.violation) {
    r.why = whyBytes(f);
    r.decision = f.decision; r.ruleId = f.ruleId; r.level = f.level; r.reason = f.reason; r.caller = f.caller; r.violation = f.violation;
  }
  return r.why;
}

/**
 * Writes the canonical body of `f` into `buf` at `at` when it is plain (numbers non-negative safe integers,
 * strings plain, as encodeBody's fast path) and fits, and returns where it ends; -1 otherwise, and then the
 * caller writes encodeBody(f) as UTF-8. Its bytes are exactly those of encodeBody(f), written without making
 * the body a string: the pieces that repeat from one entry to the next are kept as bytes.
 */
export function writePlainBody(buf: Buffer, at: number, f: BodyInput): number {
  const { prev, ts, action, target } = f;
  const who = whoOf(f);
  const why = whyOf(f);
  if (who === null || why === null || typeof prev !== 'string' || typeof ts !== 'string' || typeof action !== 'string' || typeof target !== 'string' ||
    at + prev.length + ts.length + action.length + target.length + who.length + why.length + PLAIN_BODY_FIXED > buf.length) return -1;
  let end = putCount(buf, putAscii(buf, at, '{"v":1,"seq":'), f.seq);
  if (end < 0) return -1;
  end = putQuoted(buf, putAscii(buf, end, ',"prev":'), prev);
  if (end < 0) return -1;
  end = putQuoted(buf, putAscii(buf, end, ',"ts":'), ts);
  if (end < 0) return -1;
  apply(uint8Set, buf, [who, end]);
  end = putQuoted(buf, end + who.length, action);
  if (end < 0) return -1;
  end = putQuoted(buf, putAscii(buf, end, ',"target":'), target);
  if (end < 0) return -1;
  apply(uint8Set, buf, [why, end]);
  end += why.length;
  if (f.nonce !== undefined) {
    end = putCount(buf, putAscii(buf, end, ',"nonce":'), f.nonce);
    if (end < 0) return -1;
  }
  buf[end] = 0x7d;
  return end + 1;
}

/** The canonical body text by definition: one JSON.stringify of an object literal whose keys are created in canonical order. */
export function stringifyBody(f: BodyInput): string {
  const o: BodyFields = {
    v: 1, seq: f.seq, prev: f.prev, ts: f.ts, pid: f.pid, actor: nfc(f.actor), action: nfc(f.action), target: nfc(f.target),
    decision: f.decision, ruleId: nfcOrNull(f.ruleId), level: f.level, reason: nfc(f.reason), caller: nfcOrNull(f.caller),
    violation: nfcOrNull(f.violation),
  };
  if (f.nonce !== undefined) o.nonce = f.nonce;
  // No prototype: JSON.stringify looks up toJSON on the object, and a toJSON getter the program put on
  // Object.prototype ran inside every durable denial (where the kernel lets calls through) until 2026-11-23.
  setPrototypeOf(o, null);
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
  const o = { v: 1, logId: c.logId, n: c.n, size: c.size, root: c.root, chainHead: c.chainHead, ts: c.ts, keyId: c.keyId };
  setPrototypeOf(o, null); // no inherited toJSON (see stringifyBody)
  return jsonStringify(o);
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
