// The rows the writer stores, read back with plain SQL: the body is TEXT holding exactly the canonical encoding
// of the entry (whether the writer took its plain fast path or not), the leaf its RFC 6962 hash as a 32-byte
// blob, and the log verifies. The writer binds bodies as bytes and hashes as hex, so this pins the stored types.
import Database from '../../src/audit/sqlite';
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { openAuditWriter } from '../../src/audit/index';
import { encodeBody, isoFromMillis } from '../../src/audit/encoding';
import { ZERO_HEX } from '../../src/audit/hash';
import type { PendingEntry } from '../../src/audit/index';
import { cleanup, entry, makeLog, verify } from './helpers';

afterAll(cleanup);

interface Row {
  seq: number;
  body: string;
  bodyType: string;
  leaf: Buffer;
  leafType: string;
}

function rows(dbPath: string): Row[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare('SELECT seq, body, typeof(body) AS bodyType, leaf, typeof(leaf) AS leafType FROM entries ORDER BY seq').all() as Row[];
  } finally {
    db.close();
  }
}

/** Entries that take the fast path and entries that do not (escapes, non-ASCII, NFD, a body larger than the row buffer). */
function mixedEntries(): PendingEntry[] {
  const odd: Partial<PendingEntry>[] = [
    { target: '/data/caf\u00e9.csv' }, { target: '/data/cafe\u0301.csv' }, { reason: 'quote " and backslash \\' }, { actor: 'tab\there' },
    { caller: null, ruleId: null }, { target: `/data/${'x'.repeat(70_000)}` }, { actor: '\u4e2d\u6587' }, { target: 'emoji \ud83d\ude00' },
    { target: 'lone \ud800 surrogate' }, { violation: 'synthetic_data' }, { pid: 0 }, { target: '\u0000\u001f\u007f' },
  ];
  const list: PendingEntry[] = [];
  for (let i = 1; i <= 300; i++) list.push(entry(i, i % 10 === 0 ? odd[(i / 10) % odd.length] : {}));
  return list;
}

function expectStoredExactly(dbPath: string, entries: PendingEntry[], nonces = false): void {
  const stored = rows(dbPath);
  expect(stored.length).toBe(entries.length);
  let prev = ZERO_HEX;
  for (let i = 0; i < stored.length; i++) {
    const row = stored[i];
    const e = entries[i];
    const nonce = nonces ? (JSON.parse(row.body) as { nonce: number }).nonce : undefined;
    const expected = encodeBody({ ...e, seq: i + 1, prev, ts: isoFromMillis(e.ts), nonce });
    expect({ seq: row.seq, bodyType: row.bodyType, leafType: row.leafType }).toEqual({ seq: i + 1, bodyType: 'text', leafType: 'blob' });
    if (row.body !== expected) expect(row.body).toBe(expected);
    const leaf = createHash('sha256').update(Buffer.from([0])).update(Buffer.from(expected, 'utf8')).digest();
    expect(row.leaf.equals(leaf)).toBe(true);
    prev = leaf.toString('hex');
  }
}

describe('stored rows', () => {
  it('hold the canonical body as TEXT and its leaf hash as a blob, for plain and other entries, across multi-row INSERTs', () => {
    const log = makeLog({ entries: 0 });
    const w = openAuditWriter({ dbPath: log.dbPath, keyDir: log.keyDir });
    const entries = mixedEntries();
    for (const e of entries) w.append(e);
    w.close();
    expectStoredExactly(log.dbPath, entries);
    expect(verify(log)).toMatchObject({ valid: true, entries: entries.length, issues: [] });
  });

  it('the same with proof-of-work (the body rewritten with each nonce)', () => {
    const log = makeLog({ entries: 0 });
    const w = openAuditWriter({ dbPath: log.dbPath, keyDir: log.keyDir, proofOfWorkBits: 4 });
    const entries = mixedEntries().slice(0, 80);
    for (const e of entries) w.append(e);
    w.close();
    expectStoredExactly(log.dbPath, entries, true);
    for (const row of rows(log.dbPath)) expect(row.leaf[0] >> 4).toBe(0);
    expect(verify(log, { proofOfWorkBits: 4 })).toMatchObject({ valid: true, entries: entries.length, issues: [] });
  });
});
