// Every kind of tampering with a real audit database is detected, with its code and first bad seq.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import Database from '../../src/audit/sqlite';
import { openAuditReader } from '../../src/audit/index';
import { appendMore, body, cleanup, codes, firstBad, makeLog, rewriteFrom, tamper, verify, type TestLog } from './helpers';

afterAll(cleanup);

function latestCheckpoint(log: TestLog) {
  const r = openAuditReader(log.dbPath);
  try {
    return r.latestCheckpoint()!;
  } finally {
    r.close();
  }
}

describe('an untouched log', () => {
  it('verifies, with every checkpoint checked against the pinned key', () => {
    const log = makeLog();
    const result = verify(log);
    expect(result).toMatchObject({ valid: true, entries: 40, checkpoints: 4, issues: [] });
  });

  it('without a trusted key is not called valid, but the chain and tree are still checked', () => {
    const log = makeLog();
    const result = verify(log, { trustedKeys: [] });
    expect(codes(result)).toEqual(['NO_TRUSTED_KEY']);
    tamper(log.dbPath, (db) => db.prepare('UPDATE entries SET leaf = zeroblob(32) WHERE seq = 3').run());
    expect(codes(verify(log, { trustedKeys: [] }))).toContain('BODY_HASH_MISMATCH');
  });
});

describe('entries', () => {
  it('one byte of a body changed in the raw file', () => {
    const log = makeLog();
    const bytes = readFileSync(log.dbPath);
    const at = bytes.indexOf('/data/file-0017.csv');
    expect(at).toBeGreaterThan(0);
    expect(bytes.indexOf('/data/file-0017.csv', at + 1)).toBe(-1);
    bytes[at + 6] ^= 0x01; // "file" -> "gile"
    writeFileSync(log.dbPath, bytes);
    const result = verify(log);
    expect(result.valid).toBe(false);
    expect(firstBad(result)).toEqual({ code: 'BODY_HASH_MISMATCH', seq: 17 });
    expect(codes(result)).toEqual(expect.arrayContaining(['CHAIN_BREAK', 'CHECKPOINT_ROOT_MISMATCH']));
  });

  it('an edit through SQL with the triggers dropped and restored', () => {
    const log = makeLog();
    tamper(log.dbPath, (db) => db.prepare(`UPDATE entries SET body = replace(body, '"deny"', '"allow"') WHERE seq = 14`).run());
    expect(firstBad(verify(log))).toEqual({ code: 'BODY_HASH_MISMATCH', seq: 14 });
  });

  it('an indexed column only (table rebuilt with a plain column)', () => {
    const log = makeLog();
    tamper(log.dbPath, (db) => {
      db.exec(`CREATE TABLE forged (seq INTEGER PRIMARY KEY, body TEXT NOT NULL, leaf BLOB NOT NULL, nodes BLOB, ts TEXT, actor TEXT, action TEXT, target TEXT, decision TEXT, violation TEXT);
        INSERT INTO forged SELECT seq, body, leaf, nodes, ts, actor, action, target, decision, violation FROM entries;
        UPDATE forged SET actor = 'nobody' WHERE seq = 9;
        DROP TABLE entries; ALTER TABLE forged RENAME TO entries;
        CREATE INDEX entries_actor ON entries(actor); CREATE INDEX entries_action ON entries(action);
        CREATE INDEX entries_decision ON entries(decision); CREATE INDEX entries_ts ON entries(ts);`);
    });
    const result = verify(log);
    expect(result.valid).toBe(false);
    expect(firstBad(result)).toEqual({ code: 'COLUMN_BODY_MISMATCH', seq: 9 });
    expect(codes(result)).toContain('SCHEMA_TAMPERED');
  });

  it('an append-only trigger dropped, even after another writer has opened the log', () => {
    const log = makeLog();
    const db = new Database(log.dbPath);
    db.exec('DROP TRIGGER entries_no_update');
    db.close();
    appendMore(log, 41, 5); // a writer opening the log does not quietly put the trigger back
    const result = verify(log);
    expect(result.valid).toBe(false);
    expect(codes(result)).toEqual(['SCHEMA_TAMPERED']);
  });

  it('a stored hash only', () => {
    const log = makeLog();
    tamper(log.dbPath, (db) => db.prepare('UPDATE entries SET leaf = randomblob(32) WHERE seq = 22').run());
    const result = verify(log);
    expect(codes(result)).toEqual(['BODY_HASH_MISMATCH']);
    expect(firstBad(result)).toEqual({ code: 'BODY_HASH_MISMATCH', seq: 22 });
  });

  it('a body with every downstream hash recomputed, but no new signature', () => {
    const log = makeLog();
    tamper(log.dbPath, (db) => rewriteFrom(db, 25, (b) => b.replace('"deny"', '"allow"').replace('/data/file-0025.csv', '/data/other.csv')));
    const result = verify(log);
    expect(result.valid).toBe(false);
    // Nothing stored contradicts itself any more; the signed roots of checkpoints 3 (21..30) and 4 do not match.
    expect(codes(result)).toEqual(['CHECKPOINT_ROOT_MISMATCH', 'CHECKPOINT_ROOT_MISMATCH']);
    expect(firstBad(result).seq).toBe(21);
    expect(result.issues[0].detail).toMatch(/seq 21\.\.30/);
  });

  it.each([
    ['first', 1, 'SEQ_GAP', 1],
    ['a middle', 18, 'SEQ_GAP', 18],
    ['the last', 40, 'TRUNCATED', 40],
  ])('deletion of the %s row', (_, seq, code, bad) => {
    const log = makeLog();
    tamper(log.dbPath, (db) => db.prepare('DELETE FROM entries WHERE seq = ?').run(seq));
    const result = verify(log);
    expect(result.valid).toBe(false);
    expect(firstBad(result)).toEqual({ code, seq: bad });
  });

  it('a forged row inserted in the middle (later rows renumbered, prev chain forged for it)', () => {
    const log = makeLog();
    tamper(log.dbPath, (db) => {
      const rows = db.prepare('SELECT seq FROM entries WHERE seq >= 12 ORDER BY seq DESC').pluck().all() as number[];
      for (const s of rows) db.prepare('UPDATE entries SET seq = seq + 1 WHERE seq = ?').run(s);
      const forged = body(db, 13).replace('"seq":12', '"seq":12').replace('/data/file-0012.csv', '/data/forged.csv');
      db.prepare('INSERT INTO entries (seq, body, leaf, nodes) VALUES (12, ?, zeroblob(32), NULL)').run(forged);
      rewriteFrom(db, 12, (b) => b);
      // rewriteFrom re-chains everything from 12 on, except the seq inside each later body: they now sit one row late.
    });
    const result = verify(log);
    expect(result.valid).toBe(false);
    expect(firstBad(result)).toMatchObject({ code: 'SEQ_MISMATCH', seq: 13 });
    expect(codes(result)).toContain('CHECKPOINT_ROOT_MISMATCH');
  });

  it('two rows swapped', () => {
    const log = makeLog();
    tamper(log.dbPath, (db) => {
      db.prepare('UPDATE entries SET seq = -1 WHERE seq = 5').run();
      db.prepare('UPDATE entries SET seq = 5 WHERE seq = 6').run();
      db.prepare('UPDATE entries SET seq = 6 WHERE seq = -1').run();
    });
    const result = verify(log);
    expect(firstBad(result)).toEqual({ code: 'SEQ_MISMATCH', seq: 5 });
    expect(codes(result)).toEqual(expect.arrayContaining(['CHAIN_BREAK', 'CHECKPOINT_ROOT_MISMATCH']));
  });

  it('a duplicated row', () => {
    const log = makeLog();
    tamper(log.dbPath, (db) => db.prepare('INSERT INTO entries (seq, body, leaf, nodes) SELECT 41, body, leaf, NULL FROM entries WHERE seq = 33').run());
    const result = verify(log);
    expect(result.valid).toBe(false);
    expect(firstBad(result)).toEqual({ code: 'SEQ_DUPLICATE', seq: 41 });
  });

  it('a seq gap', () => {
    const log = makeLog();
    tamper(log.dbPath, (db) => {
      for (let s = 40; s >= 30; s--) db.prepare('UPDATE entries SET seq = seq + 3 WHERE seq = ?').run(s);
    });
    const result = verify(log);
    expect(firstBad(result)).toEqual({ code: 'SEQ_GAP', seq: 30 });
    expect(result.issues[0].detail).toMatch(/30\.\.32/);
  });

  it.each([
    ['key order', (b: string) => b.replace(/^\{"v":1,"seq":(\d+),/, '{"seq":$1,"v":1,')],
    ['number format', (b: string) => b.replace('"pid":4242', '"pid":4.242e3')],
    ['whitespace', (b: string) => b.replace('"pid":4242', '"pid": 4242')],
    ['Unicode normalisation (NFD instead of NFC)', (b: string) => b.replace('/data/file-0008.csv', '/data/cafe\u0301.csv')],
    ['escaping', (b: string) => b.replace('/data/file-0008.csv', '\\/data\\/file-0008.csv')],
  ])('non-canonical encoding: %s', (_, transform) => {
    const log = makeLog();
    tamper(log.dbPath, (db) => rewriteFrom(db, 8, transform));
    const result = verify(log);
    expect(result.valid).toBe(false);
    expect(firstBad(result)).toEqual({ code: 'NON_CANONICAL_ENCODING', seq: 8 });
  });

  it('a crash in the middle of a batch: the transaction is rolled back as a whole', () => {
    const log = makeLog();
    const db = new Database(log.dbPath);
    db.exec('BEGIN IMMEDIATE');
    db.prepare('INSERT INTO entries (seq, body, leaf, nodes) VALUES (41, ?, zeroblob(32), NULL)').run(body(db, 40));
    // The connection goes away without COMMIT, as a killed process would.
    db.close();
    expect(verify(log)).toMatchObject({ valid: true, entries: 40 });
  });
});

describe('checkpoints', () => {
  it('a flipped signature bit', () => {
    const log = makeLog();
    tamper(log.dbPath, (db) => {
      const sig = db.prepare('SELECT sig FROM checkpoints WHERE n = 2').pluck().get() as Buffer;
      sig[100] ^= 0x80;
      db.prepare('UPDATE checkpoints SET sig = ? WHERE n = 2').run(sig);
    });
    expect(codes(verify(log))).toEqual(['CHECKPOINT_SIG_INVALID']);
  });

  it.each([
    ['size', (b: string) => b.replace('"size":30', '"size":29')],
    ['root', (b: string) => b.replace(/"root":"./, (m) => m.slice(0, -1) + (m.endsWith('0') ? '1' : '0'))],
  ])("a checkpoint's %s changed", (_, edit) => {
    const log = makeLog();
    tamper(log.dbPath, (db) => db.prepare('UPDATE checkpoints SET body = ? WHERE n = 3').run(edit(db.prepare('SELECT body FROM checkpoints WHERE n = 3').pluck().get() as string)));
    expect(codes(verify(log))).toEqual(['CHECKPOINT_SIG_INVALID']);
  });

  it('a checkpoint deleted', () => {
    const log = makeLog();
    tamper(log.dbPath, (db) => db.prepare('DELETE FROM checkpoints WHERE n = 2').run());
    expect(codes(verify(log))).toEqual(['CHECKPOINT_MISSING']);
  });

  it('an old checkpoint replayed as the newest', () => {
    const log = makeLog();
    tamper(log.dbPath, (db) => db.prepare('INSERT INTO checkpoints (n, body, sig) SELECT 5, body, sig FROM checkpoints WHERE n = 1').run());
    expect(codes(verify(log))).toEqual(['CHECKPOINT_NOT_MONOTONIC']);
  });

  it('the whole log rewritten and re-signed with another key', () => {
    const log = makeLog();
    const forger = makeLog({ ownKey: true });
    copyFileSync(forger.dbPath, log.dbPath);
    const result = verify(log);
    expect(result.valid).toBe(false);
    expect(codes(result)).toEqual(['UNKNOWN_KEY', 'UNKNOWN_KEY', 'UNKNOWN_KEY', 'UNKNOWN_KEY']);
    expect(verify(forger).valid).toBe(true);
  });
});

describe('truncation, rollback and forks', () => {
  function truncateToCheckpoint(log: TestLog, n: number): void {
    tamper(log.dbPath, (db) => {
      const size = JSON.parse(db.prepare('SELECT body FROM checkpoints WHERE n = ?').pluck().get(n) as string).size as number;
      db.prepare('DELETE FROM checkpoints WHERE n > ?').run(n);
      db.prepare('DELETE FROM entries WHERE seq > ?').run(size);
    });
  }

  it('the tail cut after and including the last checkpoint: caught by a trusted checkpoint', () => {
    const log = makeLog();
    const trusted = latestCheckpoint(log);
    truncateToCheckpoint(log, 3);
    expect(verify(log).valid).toBe(true); // a shorter log with intact signatures looks fine on its own
    const result = verify(log, { trustedCheckpoint: trusted });
    expect(firstBad(result)).toEqual({ code: 'INCONSISTENT_WITH_TRUSTED_CHECKPOINT', seq: 31 });
  });

  it('the tail cut after and including the last checkpoint: caught by staleness', () => {
    const log = makeLog();
    truncateToCheckpoint(log, 3);
    const newest = JSON.parse(latestCheckpoint(log).body) as { ts: string };
    const now = Date.parse(newest.ts) + 120_000;
    expect(codes(verify(log, { now, maxCheckpointAge: 60_000 }))).toEqual(['STALE_CHECKPOINT']);
    expect(verify(log, { now, maxCheckpointAge: 300_000 }).valid).toBe(true);
  });

  it('rollback to an older copy of the file', () => {
    const log = makeLog();
    const old = join(log.dir, 'old.db');
    copyFileSync(log.dbPath, old);
    appendMore(log, 41, 25);
    const trusted = latestCheckpoint(log);
    copyFileSync(old, log.dbPath);
    const result = verify(log, { trustedCheckpoint: trusted });
    expect(result.valid).toBe(false);
    expect(firstBad(result)).toEqual({ code: 'INCONSISTENT_WITH_TRUSTED_CHECKPOINT', seq: 41 });
  });

  it('two copies forked after a common prefix', () => {
    const a = makeLog();
    const b = { ...a, dbPath: join(a.dir, 'fork.db') };
    copyFileSync(a.dbPath, b.dbPath);
    appendMore(a, 41, 10, { actor: 'alice' });
    appendMore(b, 41, 12, { actor: 'mallory' });
    expect(verify(a).valid).toBe(true);
    expect(verify(b).valid).toBe(true);
    const result = verify(b, { trustedCheckpoint: latestCheckpoint(a) });
    expect(result.valid).toBe(false);
    expect(codes(result)).toEqual(['INCONSISTENT_WITH_TRUSTED_CHECKPOINT']);
  });

  it('a trusted checkpoint of the same log that the log still extends is accepted', () => {
    const log = makeLog();
    const trusted = latestCheckpoint(log);
    appendMore(log, 41, 30);
    expect(verify(log, { trustedCheckpoint: trusted })).toMatchObject({ valid: true, entries: 70 });
  });
});
