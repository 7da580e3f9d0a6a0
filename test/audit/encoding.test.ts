// The canonical body encoding: what the writer produces parses back as canonical; every other spelling is caught.
import { describe, expect, it } from 'vitest';
import { encodeBody, parseBody, type BodyInput } from '../../src/audit/encoding';

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
    ['a timestamp without milliseconds', (t: string) => t.replace('00:00:00.007Z', '00:00:00Z'), /ts must be/],
    ['a missing field', (t: string) => t.replace(',"caller":"/app/main.js:3"', ''), /caller/],
    ['broken JSON', (t: string) => t.slice(0, -1), /not JSON/],
  ])('rejects %s', (_, spell, error) => {
    const parsed = parseBody(spell(encodeBody(fields)));
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toMatch(error);
  });
});
