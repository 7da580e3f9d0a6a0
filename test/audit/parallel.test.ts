// Verification on worker threads gives exactly the single-threaded result, on untouched and tampered logs
// alike (tiny chunks, so a 40-entry log spans five). Runs the built files: the threads load dist/src/audit/verify-worker.js.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { redactEntries } from '../../src/audit/redact';
import { appendMore, body, cleanup, makeLog, rewriteFrom, tamper, type TestLog } from './helpers';

afterAll(cleanup);
const DIST = resolve(__dirname, '..', '..', 'dist', 'src', 'audit');
if (!existsSync(resolve(DIST, 'verify-worker.js'))) throw new Error('run `npm run build` first');
/* eslint-disable @typescript-eslint/no-require-imports */
const { verifyDatabase } = require(resolve(DIST, 'verify.js'));
const { openDatabase } = require(resolve(DIST, 'schema.js'));
const { trustedKeyMap } = require(resolve(DIST, 'reader.js'));
const { planChunks, runChunks } = require(resolve(DIST, 'verify-parallel.js'));
const { HexFrontier } = require(resolve(DIST, 'merkle.js'));
const { ZERO_HEX } = require(resolve(DIST, 'hash.js'));

function both(log: TestLog, extra: Record<string, unknown> = {}): { one: unknown; threaded: unknown } {
  const db = openDatabase(log.dbPath, { readonly: true });
  try {
    const input = { trusted: trustedKeyMap([log.pub]), ...extra };
    return { one: verifyDatabase(db, { ...input, threads: 1 }), threaded: verifyDatabase(db, { ...input, threads: 2, chunkSize: 8 }) };
  } finally {
    db.close();
  }
}

const tampering: [string, (log: TestLog) => void][] = [
  ['nothing', () => {}],
  ['a body edited', (log) => tamper(log.dbPath, (db) => db.prepare(`UPDATE entries SET body = replace(body, '"deny"', '"allow"') WHERE seq = 14`).run())],
  ['a leaf at a chunk boundary', (log) => tamper(log.dbPath, (db) => db.prepare('UPDATE entries SET leaf = randomblob(32) WHERE seq = 16').run())],
  ['a node above a chunk', (log) => tamper(log.dbPath, (db) => db.prepare("UPDATE entries SET nodes = substr(nodes, 1, 96) || randomblob(32) WHERE seq = 32").run())],
  ['a node inside a chunk', (log) => tamper(log.dbPath, (db) => db.prepare('UPDATE entries SET nodes = randomblob(32) WHERE seq = 10').run())],
  ['a middle row deleted', (log) => tamper(log.dbPath, (db) => db.prepare('DELETE FROM entries WHERE seq = 18').run())],
  ['the last row deleted', (log) => tamper(log.dbPath, (db) => db.prepare('DELETE FROM entries WHERE seq = 40').run())],
  ['rows swapped across a boundary', (log) => tamper(log.dbPath, (db) => {
    db.prepare('UPDATE entries SET seq = -1 WHERE seq = 8').run();
    db.prepare('UPDATE entries SET seq = 8 WHERE seq = 9').run();
    db.prepare('UPDATE entries SET seq = 9 WHERE seq = -1').run();
  })],
  ['a row duplicated', (log) => tamper(log.dbPath, (db) => db.prepare('INSERT INTO entries (seq, body, leaf, nodes) SELECT 41, body, leaf, NULL FROM entries WHERE seq = 33').run())],
  ['a body rewritten with every hash after it', (log) => tamper(log.dbPath, (db) => rewriteFrom(db, 25, (b) => b.replace('/data/file-0025.csv', '/data/other.csv')))],
  ['a non-canonical body rechained', (log) => tamper(log.dbPath, (db) => rewriteFrom(db, 8, (b) => b.replace('"pid":4242', '"pid": 4242')))],
  ['a body that is not text', (log) => tamper(log.dbPath, (db) => db.prepare('UPDATE entries SET body = CAST(body AS BLOB) WHERE seq = 20').run())],
  ['a non-ASCII body', (log) => tamper(log.dbPath, (db) => rewriteFrom(db, 30, (b) => b.replace('/data/file-0030.csv', '/data/caf\u00e9.csv')))],
  ['a body with a lone surrogate escape', (log) => tamper(log.dbPath, (db) => rewriteFrom(db, 31, (b) => b.replace('/data/file-0031.csv', '\\ud800')))],
  ['a signature flipped', (log) => tamper(log.dbPath, (db) => db.prepare("UPDATE checkpoints SET sig = zeroblob(256) WHERE n = 2").run())],
  ['a copy of an earlier body', (log) => tamper(log.dbPath, (db) => db.prepare('UPDATE entries SET body = ? WHERE seq = 12').run(body(db, 3)))],
];

describe('parallel verification', () => {
  it.each(tampering)('equals the single-threaded result: %s', (name, edit) => {
    const log = makeLog();
    edit(log);
    const { one, threaded } = both(log);
    expect(threaded).toEqual(one);
    expect((one as { valid: boolean }).valid).toBe(name === 'nothing');
  });

  it('equals it for incremental verification from a checkpoint inside a chunk, and with a trusted checkpoint', () => {
    const log = makeLog({ entries: 40, batch: 7 });
    const db = openDatabase(log.dbPath, { readonly: true });
    const cps = db.prepare('SELECT body, sig FROM checkpoints ORDER BY n').all().map((r: { body: string; sig: Buffer }) => ({ body: r.body, sig: r.sig.toString('base64') }));
    db.close();
    appendMore(log, 41, 30);
    const { one, threaded } = both(log, { since: cps[1], trustedCheckpoint: cps[cps.length - 1] });
    expect(threaded).toEqual(one);
    expect(one).toMatchObject({ valid: true, entries: 70 });
  });

  it('equals it for a log with redacted entries, and for a forged marker', () => {
    const log = makeLog();
    redactEntries({ dbPath: log.dbPath, keyDir: log.keyDir, from: 6, to: 12, reason: 'retention' });
    const clean = both(log);
    expect(clean.threaded).toEqual(clean.one);
    expect(clean.one).toMatchObject({ valid: true, redacted: 7 });
    tamper(log.dbPath, (db) => db.prepare('UPDATE entries SET body = ? WHERE seq = 20').run(body(db, 9).replace('"seq":9}', '"seq":20}')));
    const forged = both(log);
    expect(forged.threaded).toEqual(forged.one);
    expect(forged.one).toMatchObject({ valid: false, redacted: 8 });
  });

  it('really runs on threads for an untouched log', () => {
    const log = makeLog();
    const tasks = planChunks({ frontier: new HexFrontier(), prev: ZERO_HEX, size: 0 }, 40, 8, [10, 20, 30, 40]);
    expect(tasks.map((t: { from: number; to: number }) => [t.from, t.to])).toEqual([[0, 8], [8, 16], [16, 24], [24, 32], [32, 40]]);
    const db = openDatabase(log.dbPath, { readonly: true });
    const logId = db.prepare("SELECT value FROM meta WHERE key = 'logId'").pluck().get();
    db.close();
    const results = runChunks(log.dbPath, { logId, trusted: [...trustedKeyMap([log.pub])], proofOfWorkBits: 0 }, tasks, 2);
    expect(results.map((r: { dense: boolean; issues: unknown[] }) => [r.dense, r.issues.length])).toEqual(Array(5).fill([true, 0]));
  });
});
