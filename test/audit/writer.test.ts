// The writer's commit modes, checkpoints (count, interval, heartbeat, close), sinks and proof-of-work.
import Database from '../../src/audit/sqlite';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openAuditReader, openAuditWriter } from '../../src/audit/index';
import { leadingZeroBits } from '../../src/audit/hash';
import { rotateSigningKey } from '../../src/audit/key-rotation';
import { cleanup, entry, makeLog, tempDir, verify } from './helpers';

afterAll(cleanup);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function count(dbPath: string, table = 'entries'): number {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  } finally {
    db.close();
  }
}

describe('commit modes', () => {
  it('group: append() only queues; the batch is committed by the timer, appendDurable() commits at once', async () => {
    const log = makeLog({ entries: 1 });
    const w = openAuditWriter({ dbPath: log.dbPath, keyDir: log.keyDir });
    w.append(entry(2));
    w.append(entry(3));
    expect(count(log.dbPath)).toBe(1);
    await sleep(150);
    expect(count(log.dbPath)).toBe(3);
    w.append(entry(4));
    w.appendDurable(entry(5, { decision: 'deny' }));
    expect(count(log.dbPath)).toBe(5);
    w.close();
    expect(verify(log)).toMatchObject({ valid: true, entries: 5, issues: [] });
  });

  it('commits module loads within 100 ms and other entries within 10 ms, by the timer or from a busy thread', async () => {
    const log = makeLog({ entries: 1 });
    const w = openAuditWriter({ dbPath: log.dbPath, keyDir: log.keyDir });
    const load = (i: number) => entry(i, { action: 'module_load', target: `pkg-${i}`, decision: 'allow' });
    const busy = (ms: number): void => { const end = Date.now() + ms; while (Date.now() < end); };
    const queued = Date.now();
    w.append(load(2));
    await sleep(40);
    if (Date.now() - queued < 90) expect(count(log.dbPath)).toBe(1); // waits (unless this machine stalled the test)
    await sleep(120);
    expect(count(log.dbPath)).toBe(2);
    // A read queued behind a module load brings the commit forward to its own deadline.
    w.append(load(3));
    w.append(entry(4, { decision: 'allow' }));
    await sleep(40);
    expect(count(log.dbPath)).toBe(4);
    // A thread that never yields: the append that finds the deadline passed commits.
    w.append(load(5));
    busy(30);
    w.append(load(6));
    expect(count(log.dbPath)).toBe(4);
    busy(80);
    w.append(load(7));
    expect(count(log.dbPath)).toBe(7);
    w.append(load(8));
    w.append(entry(9, { decision: 'allow' }));
    busy(15);
    w.append(load(10));
    expect(count(log.dbPath)).toBe(10);
    w.close();
    expect(verify(log)).toMatchObject({ valid: true, entries: 10, issues: [] });
  });

  it('rebuilds its Merkle frontier with the methods captured at load when the program has replaced them', () => {
    const log = makeLog({ entries: 5 });
    const a = openAuditWriter({ dbPath: log.dbPath, keyDir: log.keyDir });
    a.appendDurable(entry(6));
    const b = openAuditWriter({ dbPath: log.dbPath, keyDir: log.keyDir }); // another process appends...
    b.appendDurable(entry(7));
    b.close();
    // ...so `a` rebuilds its frontier from stored nodes at its next commit, after user code poisoned these.
    const { push, map } = Array.prototype;
    const { log2 } = Math;
    try {
      Array.prototype.push = () => 0;
      Array.prototype.map = () => [];
      Math.log2 = () => 0;
      a.appendDurable(entry(8));
      a.close();
    } finally {
      Array.prototype.push = push;
      Array.prototype.map = map;
      Math.log2 = log2;
    }
    expect(verify(log)).toMatchObject({ valid: true, entries: 8, issues: [] });
  });

  it('a commit that fails leaves out the entry whose append reported it: its caller was refused', () => {
    for (const durability of ['strict', 'group'] as const) {
      const log = makeLog({ entries: 2 });
      const w = openAuditWriter({ dbPath: log.dbPath, keyDir: log.keyDir, durability, onError: () => {} });
      // A real failure inside SQLite's INSERT, the way a full disk or an I/O error surfaces.
      const failing = (on: boolean) => {
        const db = new Database(log.dbPath);
        db.exec(on ? "CREATE TRIGGER broken BEFORE INSERT ON entries BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END" : 'DROP TRIGGER broken');
        db.close();
      };
      const queued = durability === 'group' ? 1023 : 0;
      for (let i = 0; i < queued; i++) w.append(entry(3 + i));
      failing(true);
      expect(() => w.append(entry(3 + queued, { target: '/refused' })), durability).toThrow(/disk I\/O error/);
      failing(false);
      w.append(entry(4 + queued));
      w.close();
      const result = verify(log);
      expect(result, durability).toMatchObject({ valid: true, entries: 3 + queued, issues: [] });
      const reader = openAuditReader(log.dbPath);
      expect(reader.query({ limit: 100_000 }).some((e) => e.target === '/refused'), durability).toBe(false);
      reader.close();
    }
  });

  it('stores each ts as its exact ISO string across seconds, milliseconds 0-999 and pre-1970 times', () => {
    const log = makeLog({ entries: 0 });
    const w = openAuditWriter({ dbPath: log.dbPath, keyDir: log.keyDir });
    const base = Date.UTC(2026, 10, 21, 18, 29, 59);
    const times = [base, base + 9, base + 10, base + 99, base + 100, base + 999, base + 1000, base + 1001, base + 999, -1, -1001, 0, 1.5];
    for (const ts of times) w.append(entry(1, { ts }));
    w.close();
    const reader = openAuditReader(log.dbPath);
    expect(reader.query({}).map((e) => e.ts)).toEqual(times.map((ts) => new Date(ts).toISOString()));
    reader.close();
  });

  it('strict: every append is committed before it returns', () => {
    const log = makeLog({ entries: 1 });
    const w = openAuditWriter({ dbPath: log.dbPath, keyDir: log.keyDir, durability: 'strict' });
    for (let i = 2; i <= 6; i++) {
      w.append(entry(i));
      expect(count(log.dbPath)).toBe(i);
    }
    w.close();
    expect(verify(log).valid).toBe(true);
  });

  it('rejects bad options with a clear error, and reports appends after close instead of throwing', () => {
    const dir = tempDir();
    expect(() => openAuditWriter({ dbPath: join(dir, 'a.db'), durability: 'fast' as 'group' })).toThrow(/durability must be "group" or "strict"/);
    expect(() => openAuditWriter({ dbPath: join(dir, 'a.db'), checkpointEvery: 0 })).toThrow(/checkpointEvery must be a positive integer/);
    const errors: string[] = [];
    const w = openAuditWriter({ dbPath: join(dir, 'b.db'), onError: (e) => errors.push(e.message) });
    w.close();
    w.append(entry(1));
    expect(errors).toEqual([expect.stringMatching(/is closed; entry for file_read:\/data\/file-0001.csv not written/)]);
    expect(() => w.appendDurable(entry(2))).toThrow(/closed/);
  });

  it('creates the directory, the database and a signing key (private key mode 0600)', () => {
    const dir = join(tempDir(), 'deep', 'state');
    const w = openAuditWriter({ dbPath: join(dir, 'audit.db') });
    w.close();
    const { statSync } = require('node:fs') as typeof import('node:fs');
    expect(statSync(join(dir, 'keys', 'log-signing.key.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'keys', 'log-signing.pub.pem')).isFile()).toBe(true);
  });
});

describe('checkpoints', () => {
  it('a running writer signs with the new epoch key once `keys rotate` has replaced its key', () => {
    const log = makeLog({ entries: 5, ownKey: true });
    const w = openAuditWriter({ dbPath: log.dbPath, keyDir: log.keyDir, checkpointEvery: 2 });
    w.append(entry(6));
    w.flush();
    const rotation = rotateSigningKey(log.dbPath, log.keyDir);
    w.append(entry(7));
    w.append(entry(8));
    w.close();
    const reader = openAuditReader(log.dbPath);
    const keyIds = reader.checkpoints().map((c) => JSON.parse(c.body).keyId as string);
    reader.close();
    expect(keyIds.at(-1)).toBe(rotation.keyId);
    expect(keyIds).toContain(rotation.previousKeyId);
    expect(verify(log, { trustedKeys: [rotation.rootKeyFile] })).toMatchObject({ valid: true, issues: [] });
  });

  it('are signed for a first batch, every N entries, at close, and not again at close when nothing is new', () => {
    const log = makeLog({ entries: 27, batch: 5, writer: { checkpointEvery: 10, checkpointIntervalMs: 3_600_000 } });
    const reader = openAuditReader(log.dbPath);
    const sizes = reader.checkpoints().map((c) => JSON.parse(c.body).size);
    reader.close();
    expect(sizes).toEqual([5, 15, 25, 27]); // 5: the log had none yet; 15, 25: ten new entries; 27: close
  });

  it('wait the interval from when this writer saw the first uncovered entry, not from the last checkpoint', async () => {
    const log = makeLog({ entries: 3 });
    await sleep(150); // the log's last checkpoint is now older than the interval below
    const before = count(log.dbPath, 'checkpoints');
    // Synchronous from here on: the heartbeat (every 100 ms) cannot run in between.
    const w = openAuditWriter({ dbPath: log.dbPath, keyDir: log.keyDir, checkpointIntervalMs: 100 });
    w.append(entry(4));
    w.flush();
    expect(count(log.dbPath, 'checkpoints')).toBe(before); // a short process signs once, at close
    w.close();
    expect(count(log.dbPath, 'checkpoints')).toBe(before + 1);
    expect(verify(log)).toMatchObject({ valid: true, entries: 4, issues: [] });
  });

  it('are written as a heartbeat while idle, so a stopped log shows', async () => {
    const log = makeLog({ entries: 3 });
    const before = count(log.dbPath, 'checkpoints');
    const w = openAuditWriter({ dbPath: log.dbPath, keyDir: log.keyDir, checkpointIntervalMs: 20, maxCheckpointAgeMs: 60 });
    await sleep(400);
    const during = count(log.dbPath, 'checkpoints');
    w.close();
    expect(during).toBeGreaterThanOrEqual(before + 2);
    const result = verify(log, { maxCheckpointAge: 60_000 });
    expect(result).toMatchObject({ valid: true, entries: 3 });
  });

  it('go to a file sink and to a command sink', () => {
    const dir = tempDir();
    const file = join(dir, 'anchor.ndjson');
    const piped = join(dir, 'piped.ndjson');
    const log = makeLog({ dir, entries: 20, batch: 10, writer: { checkpointSink: file } });
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const reader = openAuditReader(log.dbPath);
    expect(lines).toEqual(reader.checkpoints());
    reader.close();
    expect(verify(log, { trustedCheckpoint: lines[lines.length - 1] }).valid).toBe(true);

    const w = openAuditWriter({ dbPath: log.dbPath, keyDir: log.keyDir, checkpointSink: { command: `cat >> '${piped}'` } });
    w.append(entry(21));
    w.close();
    const sent = readFileSync(piped, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0].body).size).toBe(21);
  });
});

describe('proof-of-work', () => {
  it('gives every leaf hash the leading zero bits, and the verifier holds the log to it', () => {
    const log = makeLog({ entries: 12, batch: 4, writer: { proofOfWorkBits: 8 } });
    const db = new Database(log.dbPath, { readonly: true });
    const leaves = db.prepare('SELECT leaf FROM entries').pluck().all() as Buffer[];
    db.close();
    expect(leaves.every((l) => leadingZeroBits(l) >= 8)).toBe(true);
    expect(verify(log, { proofOfWorkBits: 8 })).toMatchObject({ valid: true, issues: [] });
    const plain = makeLog({ entries: 12, batch: 4 });
    expect(verify(plain, { proofOfWorkBits: 8 }).issues.map((i) => i.code)).toContain('POW_INSUFFICIENT');
  });
});

describe('encoding at write time', () => {
  it('stores strings in NFC, so the same text always hashes the same', () => {
    const log = makeLog({ entries: 0 });
    const w = openAuditWriter({ dbPath: log.dbPath, keyDir: log.keyDir });
    w.append(entry(1, { target: '/data/cafe\u0301.csv', actor: 'Ame\u0301lie' }));
    w.close();
    const reader = openAuditReader(log.dbPath);
    const [e] = reader.query();
    reader.close();
    expect(e.target).toBe('/data/caf\u00e9.csv');
    expect(e.actor).toBe('Am\u00e9lie');
    expect(verify(log).valid).toBe(true);
  });
});

describe('after user code has tampered with built-ins', () => {
  it('still commits correct entries and checkpoints (what it uses was captured at load)', () => {
    const log = makeLog({ entries: 0 });
    const w = openAuditWriter({ dbPath: log.dbPath, keyDir: log.keyDir, checkpointEvery: 8 });
    const saved = { push: Array.prototype.push, pop: Array.prototype.pop, slice: Array.prototype.slice, toString: Buffer.prototype.toString, stringify: JSON.stringify, parse: JSON.parse, iso: Date.prototype.toISOString };
    const broken = (): never => { throw new Error('tampered built-in called'); };
    try {
      Array.prototype.push = broken;
      Array.prototype.pop = broken;
      Array.prototype.slice = broken;
      Buffer.prototype.toString = broken;
      JSON.stringify = broken;
      JSON.parse = broken;
      Date.prototype.toISOString = broken;
      for (let i = 1; i <= 40; i++) w.append(entry(i));
      w.flush();
      w.appendDurable(entry(41, { decision: 'deny' }));
    } finally {
      Object.assign(Array.prototype, { push: saved.push, pop: saved.pop, slice: saved.slice });
      Buffer.prototype.toString = saved.toString;
      JSON.stringify = saved.stringify;
      JSON.parse = saved.parse;
      Date.prototype.toISOString = saved.iso;
    }
    w.close();
    expect(verify(log)).toMatchObject({ valid: true, entries: 41, issues: [] });
  });
});
