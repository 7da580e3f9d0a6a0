// Real node processes writing one log: concurrency (one chain, one tree, nothing lost) and kill -9 in the
// middle of heavy logging (everything committed survives, every durable denial is there, the log verifies).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAuditReader, openAuditWriter } from '../../src/audit/index';
import { cleanup, entry, tempDir } from './helpers';

const DIST = resolve(__dirname, '..', '..', 'dist', 'src', 'audit', 'index.js');

beforeAll(() => {
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run \`npm run build\` first`);
});
afterAll(cleanup);

function child(script: string, args: string[]): ChildProcess {
  return spawn(process.execPath, ['-e', script, DIST, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

const WRITER = `
const { openAuditWriter } = require(process.argv[1]);
const [dbPath, keyDir, count, startAt] = process.argv.slice(2);
const w = openAuditWriter({ dbPath, keyDir, checkpointEvery: 500 });
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
// Start together, and pause after each durable commit so the others get the lock: SQLite's lock is not
// fair, and on a quiet machine one process could otherwise finish before the next one starts.
sleep(Math.max(0, +startAt - Date.now()));
for (let i = 1; i <= +count; i++) {
  const e = { ts: Date.now(), pid: process.pid, actor: 'worker', action: 'file_read', target: '/data/' + i, decision: 'allow', ruleId: 'r', level: 'production', reason: 'ok', caller: null, violation: null };
  if (i % 97 === 0) { w.appendDurable({ ...e, decision: 'deny', ruleId: null }); sleep(2); }
  else w.append(e);
}
w.close();
`;

function exitOf(p: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let stderr = '';
  p.stderr!.on('data', (d) => { stderr += d; });
  return new Promise((res) => p.on('exit', (code, signal) => res({ code, signal, stderr })));
}

describe('several processes appending to one log', () => {
  it('keep one unbroken chain and one consistent tree, with no entry lost', async () => {
    const dir = tempDir();
    const dbPath = join(dir, 'audit.db');
    const keyDir = join(dir, 'keys');
    const perProcess = 3000;
    const startAt = String(Date.now() + 3000);
    const runs = Array.from({ length: 4 }, () => exitOf(child(WRITER, [dbPath, keyDir, String(perProcess), startAt])));
    const results = await Promise.all(runs);
    expect(results.map((r) => [r.code, r.stderr])).toEqual(Array(4).fill([0, '']));

    const reader = openAuditReader(dbPath);
    try {
      const result = reader.verify({ trustedKeys: [join(keyDir, 'log-signing.pub.pem')] });
      expect(result).toMatchObject({ valid: true, entries: 4 * perProcess, issues: [] });
      const entries = reader.query();
      expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
      const perPid = new Map<number, number>();
      for (const e of entries) perPid.set(e.pid, (perPid.get(e.pid) ?? 0) + 1);
      expect([...perPid.values()]).toEqual([perProcess, perProcess, perProcess, perProcess]);
      const switches = entries.filter((e, i) => i > 0 && e.pid !== entries[i - 1].pid).length;
      expect(switches).toBeGreaterThan(3); // more than four runs one after another would give
      const signers = new Set(reader.checkpoints().map((c) => JSON.parse(c.body).keyId));
      expect(signers.size).toBe(1); // the processes raced to create the key and agreed on one
    } finally {
      reader.close();
    }
  });
});

describe('several processes opening one new log at the same moment', () => {
  // Both read the new file, then both ask for the lock the switch to WAL needs: SQLite refuses one of them at
  // once, without waiting (a deadlock otherwise). Unhandled, about a third of these rounds lost a process.
  it('all open it: the one SQLite refuses retries', async () => {
    const dir = tempDir();
    const rounds = 30;
    const script = `
      const { openDatabase } = require(require('node:path').join(require('node:path').dirname(process.argv[1]), 'schema.js'));
      const [dir, startAt, rounds] = process.argv.slice(2);
      for (let r = 0; r < +rounds; r++) {
        while (Date.now() < +startAt + r * 40) {}
        const db = openDatabase(dir + '/' + r + '.db');
        if (db.pragma('journal_mode', { simple: true }) !== 'wal') throw new Error('not in WAL mode');
        db.close();
      }`;
    const startAt = String(Date.now() + 1500);
    const results = await Promise.all(Array.from({ length: 8 }, () => exitOf(child(script, [dir, startAt, String(rounds)]))));
    expect(results.map((r) => [r.code, r.stderr])).toEqual(Array(8).fill([0, '']));
  });
});

describe('kill -9 in the middle of heavy logging', () => {
  it('leaves a log that opens, verifies and holds every committed batch and every durable denial', async () => {
    const dir = tempDir();
    const dbPath = join(dir, 'audit.db');
    const keyDir = join(dir, 'keys');
    const script = `
      const { writeSync } = require('node:fs');
      const { openAuditWriter } = require(process.argv[1]);
      const w = openAuditWriter({ dbPath: process.argv[2], keyDir: process.argv[3], checkpointEvery: 2000 });
      for (let i = 1; ; i++) {
        const e = { ts: Date.now(), pid: process.pid, actor: 'job', action: 'file_write', target: '/out/' + i, decision: 'allow', ruleId: 'w', level: 'production', reason: 'ok', caller: null, violation: null };
        if (i % 250 === 0) { w.appendDurable({ ...e, decision: 'deny', ruleId: null, target: '/denied/' + i }); writeSync(1, 'durable ' + i + '\\n'); }
        else w.append(e);
      }`;
    const p = child(script, [dbPath, keyDir]);
    const durable: string[] = [];
    await new Promise<void>((res) => {
      let buf = '';
      p.stdout!.on('data', (d) => {
        buf += d;
        const lines = buf.split('\n');
        buf = lines.pop()!;
        for (const l of lines) durable.push(`/denied/${l.split(' ')[1]}`);
        if (durable.length >= 40) { p.kill('SIGKILL'); res(); }
      });
    });
    const exit = await exitOf(p);
    expect(exit.signal).toBe('SIGKILL');

    const reader = openAuditReader(dbPath);
    const result = reader.verify({ trustedKeys: [join(keyDir, 'log-signing.pub.pem')] });
    expect(result.valid).toBe(true);
    expect(result.issues.every((i) => i.code === 'UNCHECKPOINTED_TAIL')).toBe(true);
    expect(result.entries).toBeGreaterThanOrEqual(40 * 250);
    const denied = reader.query({ decision: 'deny' }).map((e) => e.target);
    expect(denied).toEqual(expect.arrayContaining(durable));
    reader.close();

    // A new writer picks up where the killed one stopped, and its checkpoint covers the orphaned tail.
    const w = openAuditWriter({ dbPath, keyDir });
    w.append(entry(1));
    w.close();
    const after = openAuditReader(dbPath);
    expect(after.verify({ trustedKeys: [join(keyDir, 'log-signing.pub.pem')] })).toMatchObject({ valid: true, entries: result.entries + 1, issues: [] });
    after.close();
  });
});
