// Redaction: an entry's body replaced by a marker while its stored leaf hash stays, so the hash chain, the
// Merkle tree, the signed checkpoints and inclusion proofs still verify. The marker carries a statement signed
// with the log key ("entries from..to may be redacted, recorded by entry `record`"), so only a key holder can
// redact. Shared by the database and export verifiers: imports node:crypto only (through crypto/sign).
import type { KeyObject } from 'node:crypto';
import { signPss, verifyPss } from '../crypto/sign';

const jsonStringify = JSON.stringify;
const jsonParse = JSON.parse;
const isSafeInteger = Number.isSafeInteger;

/** Every marker starts with this; no entry body does (they start with `{"v":`). */
export const REDACTED_PREFIX = '{"redacted":';

export interface RedactionStatement {
  logId: string;
  /** Entries from..to (inclusive) may be redacted under this statement. */
  from: number;
  to: number;
  /** seq of the entry that records the redaction (action `audit_redact`, target `seq:from-to`). */
  record: number;
  ts: string;
  reason: string;
  keyId: string;
}

export function encodeStatement(s: RedactionStatement): string {
  return jsonStringify({ v: 1, logId: s.logId, from: s.from, to: s.to, record: s.record, ts: s.ts, reason: s.reason, keyId: s.keyId });
}

/** The body that replaces entry `seq`. */
export function encodeMarker(statementText: string, sig: string, seq: number): string {
  return `${REDACTED_PREFIX}${statementText},"sig":${jsonStringify(sig)},"seq":${seq}}`;
}

export function signStatement(s: RedactionStatement, privateKey: KeyObject): { text: string; sig: string } {
  const text = encodeStatement(s);
  return { text, sig: signPss(privateKey, Buffer.from(text, 'utf8')).toString('base64') };
}

/** The target of the entry that records a redaction of entries from..to. */
export function recordTarget(from: number, to: number): string {
  return `seq:${from}-${to}`;
}

export function parseRecordTarget(target: string): { from: number; to: number } | null {
  const m = /^seq:([1-9][0-9]{0,14})-([1-9][0-9]{0,14})$/.exec(target);
  return m ? { from: Number(m[1]), to: Number(m[2]) } : null;
}

export type MarkerCheck = { ok: true; statement: RedactionStatement } | { ok: false; detail: string };

function isCount(v: unknown): v is number {
  return typeof v === 'number' && isSafeInteger(v) && v >= 1;
}

function parseMarker(text: string): { statement: RedactionStatement; statementText: string; sig: string; seq: number } | string {
  let o: { redacted?: Record<string, unknown>; sig?: unknown; seq?: unknown };
  try {
    o = jsonParse(text);
  } catch (e) {
    return `marker is not JSON: ${(e as Error).message}`;
  }
  const st = o?.redacted;
  if (typeof st !== 'object' || st === null || typeof o.sig !== 'string' || !isCount(o.seq)) return 'marker lacks its statement, signature or seq';
  if (st.v !== 1 || typeof st.logId !== 'string' || !isCount(st.from) || !isCount(st.to) || !isCount(st.record) ||
    typeof st.ts !== 'string' || typeof st.reason !== 'string' || typeof st.keyId !== 'string') return 'marker statement has missing or mistyped fields';
  const statement = st as unknown as RedactionStatement;
  const statementText = encodeStatement(statement);
  if (encodeMarker(statementText, o.sig, o.seq) !== text) return 'marker is not in canonical form';
  return { statement, statementText, sig: o.sig, seq: o.seq };
}

/** Checks markers against the trusted keys; each distinct signed statement is verified once. */
export class RedactionChecker {
  private readonly verified = new Set<string>();

  constructor(private readonly trusted: ReadonlyMap<string, KeyObject>, private readonly logId: string) {}

  check(seq: number, text: string): MarkerCheck {
    const m = parseMarker(text);
    if (typeof m === 'string') return { ok: false, detail: m };
    const st = m.statement;
    if (m.seq !== seq) return { ok: false, detail: `marker names seq ${m.seq}` };
    if (st.logId !== this.logId) return { ok: false, detail: `marker belongs to log ${st.logId}` };
    if (seq < st.from || seq > st.to || st.record <= st.to) return { ok: false, detail: `statement covers seq ${st.from}..${st.to} recorded by ${st.record}` };
    // Without trusted keys nothing can be authenticated (NO_TRUSTED_KEY is reported), as with checkpoints.
    if (this.trusted.size === 0) return { ok: true, statement: st };
    const key = this.trusted.get(st.keyId);
    if (!key) return { ok: false, detail: `signed by key ${st.keyId}, which is not trusted` };
    const cacheKey = m.statementText + '\n' + m.sig;
    if (!this.verified.has(cacheKey)) {
      if (!verifyPss(key, Buffer.from(m.statementText, 'utf8'), Buffer.from(m.sig, 'base64'))) return { ok: false, detail: `signature does not verify with key ${st.keyId}` };
      this.verified.add(cacheKey);
    }
    return { ok: true, statement: st };
  }
}
