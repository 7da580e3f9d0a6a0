// The canonical body encoding: what the writer produces parses back as canonical; every other spelling is caught.
import { describe, expect, it } from 'vitest';
import { encodeBody, isCanonicalAsciiBody, isoFromMillis, parseBody, REDACT_ACTION, type BodyInput } from '../../src/audit/encoding';

const fields: BodyInput = {
  seq: 7, prev: 'ab'.repeat(32), ts: '2026-01-01T00:00:00.007Z', pid: 4242, actor: 'alice', action: 'file_write',
  target: '/data/caf\u00e9 "q"\n.csv', decision: 'deny', ruleId: null, level: 'production', reason: 'no rule allows this',
  caller: '/app/main.js:3', violation: 'synthetic_data',
};

describe('canonical bodies', () => {
  it('round-trip: fixed key order, no whitespace, integers, JSON.stringify escaping', () => {
    const text = encodeBody(fields);
    expect(text.startsWith('{"v":1,"seq":7,"prev":"abab')).toBe(true);
    expect(text).not.toMatch(/[ \n](?=")/);
    const parsed = parseBody(text);
    expect(parsed).toMatchObject({ ok: true, canonical: true, fields: { ...fields, v: 1 } });
  });

  it('normalises strings to NFC', () => {
    expect(encodeBody({ ...fields, target: 'cafe\u0301' })).toContain('"target":"caf\u00e9"');
  });

  it.each([
    ['another key order', (t: string) => t.replace('{"v":1,"seq":7,', '{"seq":7,"v":1,')],
    ['an exponent', (t: string) => t.replace('"pid":4242', '"pid":4.242e3')],
    ['a trailing zero', (t: string) => t.replace('"pid":4242', '"pid":4242.0')],
    ['whitespace', (t: string) => t.replace(',"pid"', ', "pid"')],
    ['an escaped slash', (t: string) => t.replace('/app/main.js', '\\/app/main.js')],
    ['a \\u escape of a printable character', (t: string) => t.replace('alice', '\\u0061lice')],
    ['NFD text', (t: string) => t.replace('caf\u00e9', 'cafe\u0301')],
    ['a duplicated key', (t: string) => t.replace('"pid":4242', '"pid":1,"pid":4242')],
  ])('flags %s as non-canonical', (_, spell) => {
    const text = spell(encodeBody(fields));
    expect(text).not.toBe(encodeBody(fields));
    expect(parseBody(text)).toMatchObject({ ok: true, canonical: false });
  });

  it.each([
    ['a fractional seq', (t: string) => t.replace('"seq":7', '"seq":7.5'), /seq must be a positive integer/],
    ['a string pid', (t: string) => t.replace('"pid":4242', '"pid":"4242"'), /pid must be/],
    ['an unknown decision', (t: string) => t.replace('"deny"', '"maybe"'), /unknown decision/],
    ['a date that does not exist', (t: string) => t.replace('2026-01-01T', '2026-13-01T'), /ts must be/],
    ['a timestamp without milliseconds', (t: string) => t.replace('00:00:00.007Z', '00:00:00Z'), /ts must be/],
    ['a missing field', (t: string) => t.replace(',"caller":"/app/main.js:3"', ''), /caller/],
    ['broken JSON', (t: string) => t.slice(0, -1), /not JSON/],
  ])('rejects %s', (_, spell, error) => {
    const parsed = parseBody(spell(encodeBody(fields)));
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toMatch(error);
  });
});

describe('the fast canonical check used by the verifier', () => {
  const ascii: BodyInput = { ...fields, target: '/data/x "q"\n\t\u0001\u007f.csv' };
  const text = encodeBody(ascii);

  it('accepts the canonical body of the expected seq and prev, with ASCII strings and every escape JSON.stringify writes', () => {
    expect(isCanonicalAsciiBody(text, 7, ascii.prev)).toBe(true);
    expect(isCanonicalAsciiBody(encodeBody({ ...ascii, ruleId: 'r', caller: null, nonce: 12 }), 7, ascii.prev)).toBe(true);
  });

  it('leaves to parseBody: another seq or prev, non-ASCII text, a redaction record', () => {
    expect(isCanonicalAsciiBody(text, 8, ascii.prev)).toBe(false);
    expect(isCanonicalAsciiBody(text, 7, 'cd'.repeat(32))).toBe(false);
    expect(isCanonicalAsciiBody(encodeBody(fields), 7, fields.prev)).toBe(false);
    expect(isCanonicalAsciiBody(encodeBody({ ...ascii, action: REDACT_ACTION }), 7, ascii.prev)).toBe(false);
  });

  it('never accepts what parseBody does not call canonical (random edits of canonical bodies)', () => {
    // Edits that keep the body parseable often: characters and escapes swapped in, out and around.
    const pieces = ['\\u0061', '\\/', ' ', '\\u001F', '\\u001f', '\\b', '\\u0008', '1', '0', '-', '.', 'e', '"', '\\', '\u00e9', 'e\u0301', '\ud800', ',', ':', 'null', '\\ud800'];
    let seed = 12345;
    // 32-bit LCG (Math.imul keeps it exact); its high bits, as the low ones of an LCG repeat with a short period.
    const rnd = (n: number): number => { seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff; return (seed >>> 8) % n; };
    let accepted = 0;
    for (let i = 0; i < 20000; i++) {
      let t = text;
      for (let k = 1 + rnd(2); k > 0; k--) {
        const at = rnd(t.length);
        const op = rnd(3);
        const piece = pieces[rnd(pieces.length)];
        t = op === 0 ? t.slice(0, at) + piece + t.slice(at) : op === 1 ? t.slice(0, at) + t.slice(at + 1) : t.slice(0, at) + piece + t.slice(at + 1);
      }
      if (!isCanonicalAsciiBody(t, 7, ascii.prev)) continue;
      accepted++;
      const parsed = parseBody(t);
      expect(parsed, t).toMatchObject({ ok: true, canonical: true, fields: { seq: 7, prev: ascii.prev } });
    }
    expect(accepted).toBeGreaterThan(100); // edits inside strings that stay canonical
  });
});

describe('timestamps', () => {
  const spelled = (ms: number): string => new Date(ms).toISOString();

  it('spells every millisecond as toISOString does: days of leap and century years, month ends, the ends of the range', () => {
    const cases = [0, 1, 999, 86_399_999, 86_400_000, Date.UTC(2000, 1, 29, 23, 59, 59, 999), Date.UTC(2100, 1, 28, 12), Date.UTC(2100, 2, 1),
      Date.UTC(2024, 11, 31, 23, 59, 59, 999), Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.UTC(10000, 0, 1), -1, Date.UTC(1969, 11, 31)];
    for (const ms of cases) expect(isoFromMillis(ms), String(ms)).toBe(spelled(ms));
    // One pseudo-random millisecond in every day of 1970-2200 (a fixed sequence, so a failure repeats).
    let seed = 12345;
    for (let day = 0; day < 84_000; day++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      const ms = day * 86_400_000 + (seed % 86_400_000);
      if (isoFromMillis(ms) !== spelled(ms)) expect(isoFromMillis(ms)).toBe(spelled(ms));
    }
  });

  it('leaves what is not a whole millisecond to Date', () => {
    expect(isoFromMillis(1.5)).toBe(spelled(1.5));
    expect(() => isoFromMillis(Number.NaN)).toThrow(RangeError);
  });
});
