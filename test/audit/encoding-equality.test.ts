// encodeBody concatenates plain bodies directly instead of calling JSON.stringify, and writePlainBody writes
// their bytes without making a string: both must give exactly the canonical encoding for every input, which is
// checked here against the definition on random bodies.
import { describe, expect, it } from 'vitest';
import { encodeBody, parseBody, writePlainBody, type BodyInput } from '../../src/audit/encoding';

/** The canonical body by definition (docs/audit.md): keys in order, strings in NFC, JSON.stringify escaping. */
function reference(f: BodyInput): string {
  const nfc = (s: string | null): string | null => (typeof s === 'string' ? s.normalize('NFC') : s);
  const o: Record<string, unknown> = {
    v: 1, seq: f.seq, prev: f.prev, ts: f.ts, pid: f.pid, actor: nfc(f.actor), action: nfc(f.action), target: nfc(f.target),
    decision: f.decision, ruleId: nfc(f.ruleId), level: f.level, reason: nfc(f.reason), caller: nfc(f.caller), violation: nfc(f.violation),
  };
  if (f.nonce !== undefined) o.nonce = f.nonce;
  return JSON.stringify(o);
}

/** mulberry32: a small seeded generator with 32-bit integer arithmetic (the runs are reproducible). */
let seed = 20261121;
function rnd(n: number): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) % n;
}

// Pieces of plain text, and pieces that exercise every other branch: the characters JSON escapes, DEL,
// Latin-1, NFC and NFD forms, lone and paired surrogates, line separators, NUL.
const PLAIN = ['a', 'Z', '0', ' ', '/', '~', '{', '}', ':', ',', '.', 'data/shards/part-1.parquet', 'rule data allows'];
const SPECIAL = [
  '"', '\\', '\u0000', '\n', '\r', '\t', '\b', '\f', '\u0001', '\u001f', '\u007f', '\u0080', '\u00e9', 'e\u0301', '\u212b', '\u1e9b\u0323',
  '\u2028', '\u2029', '\ud800', '\udc00', '\udbff', '\ud83d\ude00', '\ufeff',
];
const ODD_NUMBERS = [2 ** 53, 1e21, 1.5, -0, -1, Number.NaN, Number.POSITIVE_INFINITY, -Number.MAX_VALUE];

function randomText(special: boolean): string {
  let s = '';
  for (let k = rnd(8); k > 0; k--) s += PLAIN[rnd(PLAIN.length)];
  if (!special) return s;
  const at = rnd(s.length + 1);
  return s.slice(0, at) + SPECIAL[rnd(SPECIAL.length)] + s.slice(at);
}

/**
 * A random body: all plain, or plain but for one field (a special piece in one string, an odd number), or
 * with any field special. Numbers are safe integers unless odd.
 */
function randomBody(): BodyInput {
  const mode = rnd(3);
  const oddField = mode === 1 ? rnd(16) : -1;
  let field = 0;
  const odd = (): boolean => { const i = field++; return mode === 2 ? rnd(2) === 0 : i === oddField; };
  const text = (): string => randomText(odd());
  const count = (): number => (odd() ? ODD_NUMBERS[rnd(ODD_NUMBERS.length)] : rnd(2 ** 31));
  const orNull = (): string | null => (rnd(3) === 0 ? (field++, null) : text());
  return {
    seq: count(), prev: odd() ? randomText(true) : 'ab'.repeat(32), ts: odd() ? randomText(true) : '2026-11-21T18:29:16.123Z',
    pid: count(), actor: text(), action: text(), target: text(), decision: text() as BodyInput['decision'], ruleId: orNull(),
    level: text() as BodyInput['level'], reason: text(), caller: orNull(), violation: orNull() as BodyInput['violation'],
    nonce: rnd(3) === 0 ? count() : (field++, undefined),
  };
}

describe('encodeBody equals the canonical encoding', () => {
  it('for 200,000 random bodies (plain, escaped, non-ASCII, NFD, surrogates, NUL, odd numbers)', () => {
    let escaped = 0;
    for (let i = 0; i < 200_000; i++) {
      const f = randomBody();
      const text = encodeBody(f);
      if (text !== reference(f)) expect({ f, text }).toEqual({ f, text: reference(f) });
      if (/\\|[^\x20-\x7f]/.test(text)) escaped++;
    }
    // Both kinds were seen many times.
    expect(escaped).toBeGreaterThan(50_000);
    expect(escaped).toBeLessThan(150_000);
  });

  const writerBody: BodyInput = {
    seq: 12, prev: 'cd'.repeat(32), ts: '2026-11-21T18:29:16.123Z', pid: 99, actor: 'trainer', action: 'file_read',
    target: '/data/shards/part-3.parquet', decision: 'allow', ruleId: 'data', level: 'production', reason: 'rule data allows',
    caller: '/app/train.js:42', violation: null,
  };

  it('for the bodies the writer produces, which parse back as canonical', () => {
    const f = writerBody;
    for (const g of [f, { ...f, ruleId: null, caller: null, violation: 'synthetic_data' as const }, { ...f, nonce: 31 }, { ...f, target: '/data/caf\u00e9 "q"\n' }, { ...f, target: 'cafe\u0301' }]) {
      const text = encodeBody(g);
      expect(text).toBe(reference(g));
      expect(parseBody(text)).toMatchObject({ ok: true, canonical: true });
    }
  });

  it('keeps fields that are missing or of another type exactly as JSON.stringify does', () => {
    const f = writerBody;
    const odd = [
      { ...f, caller: undefined }, { ...f, ruleId: undefined }, { ...f, violation: undefined }, { ...f, target: undefined }, { ...f, pid: '7' },
      { ...f, target: 12 }, { ...f, ruleId: { x: 1 } }, { ...f, actor: ['a'] }, { ...f, seq: 12n.toString() }, { ...f, nonce: null },
    ] as unknown as BodyInput[];
    for (const g of odd) expect(encodeBody(g)).toBe(reference(g));
  });
});

/** Numbers non-negative safe integers, strings (or null where allowed) printable ASCII without `"` or `\\`. */
function takesFastPath(f: BodyInput): boolean {
  const count = (n: unknown): boolean => Number.isSafeInteger(n) && (n as number) >= 0;
  const plain = (s: unknown): boolean => typeof s === 'string' && /^[\x20\x21\x23-\x5b\x5d-\x7f]*$/.test(s);
  const strings = [f.prev, f.ts, f.actor, f.action, f.target, f.decision, f.level, f.reason];
  return count(f.seq) && count(f.pid) && (f.nonce === undefined || count(f.nonce)) && strings.every(plain) &&
    [f.ruleId, f.caller, f.violation].every((s) => s === null || plain(s));
}

describe('writePlainBody writes the UTF-8 bytes of the canonical encoding', () => {
  const buf = Buffer.alloc(64 * 1024);

  /** Writes f at a random offset; checks the bytes (or the refusal) and that nothing before the offset changed. */
  function check(f: BodyInput, room = buf.length): boolean {
    const view = buf.subarray(0, room);
    const at = rnd(64);
    view.fill(0xee, 0, at);
    const end = writePlainBody(view, at, f);
    const expected = Buffer.from(reference(f), 'utf8');
    if (end >= 0) {
      const written = view.subarray(at, end);
      if (!written.equals(expected)) expect(written.toString('latin1')).toBe(reference(f));
    } else if (room === buf.length && takesFastPath(f)) {
      expect({ f, end }).toEqual({ f, end: 'a plain body written' });
    }
    for (let i = 0; i < at; i++) if (view[i] !== 0xee) expect({ at, i, byte: view[i] }).toEqual({ at, i, byte: 0xee });
    return end >= 0;
  }

  it('for 200,000 random bodies, or refuses them (then the caller writes encodeBody)', () => {
    let written = 0;
    for (let i = 0; i < 200_000; i++) if (check(randomBody())) written++;
    expect(written).toBeGreaterThan(50_000);
    expect(written).toBeLessThan(150_000);
  });

  it('for runs of bodies whose repeated fields change now and then (its cache of their bytes), strings made anew each time', () => {
    const pool = <T>(...values: T[]): (() => T) => () => values[rnd(values.length)];
    const fresh = (s: string | null): string | null => (s === null ? null : [...s].join(''));
    const actor = pool('trainer', 'loader', 'a"q');
    const reason = pool('rule data allows', 'no rule allows this', 'caf\u00e9');
    const nullable = pool<string | null>(null, 'null', 'data', '');
    let written = 0;
    for (let i = 0; i < 50_000; i++) {
      const f: BodyInput = {
        seq: i + 1, prev: 'ef'.repeat(32), ts: '2026-11-21T18:29:16.123Z', pid: rnd(4) === 0 ? 1 : 4242, actor: fresh(actor())!, action: 'file_read',
        target: `/data/${i}`, decision: rnd(5) === 0 ? 'deny' : 'allow', ruleId: fresh(nullable()), level: 'production', reason: fresh(reason())!,
        caller: fresh(nullable()), violation: rnd(7) === 0 ? 'synthetic_data' : null, nonce: rnd(9) === 0 ? i : undefined,
      };
      if (check(f)) written++;
    }
    expect(written).toBeGreaterThan(20_000);
  });

  it('refuses what does not fit rather than writing past the end', () => {
    let written = 0;
    for (let i = 0; i < 20_000; i++) {
      const room = 200 + rnd(400);
      if (check(randomBody(), room)) written++;
    }
    expect(written).toBeGreaterThan(1000);
  });
});
