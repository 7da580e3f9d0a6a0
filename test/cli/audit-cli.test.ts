// The audit and keys commands through the real CLI entry point, on a real project and log.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CLI, writeEntries } from './audit-project';

let dir: string;
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8' });

const ENTRY = "{ ts: Date.UTC(2026, 0, 1) + i, actor: i % 2 ? 'alice' : 'bob', decision: i % 4 ? 'allow' : 'deny' }";

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'audit-cli-'));
  writeFileSync(join(dir, 'governance.config.json'), JSON.stringify({ level: 'staging', stateDir: 'state' }));
  writeEntries(dir, 1, 30, ENTRY);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('audit query', () => {
  it('prints NDJSON with --json and a table without', () => {
    const json = cli('audit', 'query', '--decision', 'deny', '--json');
    expect(json.status).toBe(0);
    const rows = json.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((r) => r.seq)).toEqual([4, 8, 12, 16, 20, 24, 28]);
    const table = cli('audit', 'query', '--actor', 'bob', '--limit', '2');
    expect(table.stdout.split('\n')[0]).toMatch(/^SEQ\s+TS\s+PID\s+ACTOR/);
    expect(table.stdout.trim().split('\n')).toHaveLength(3);
  });

  it('exits 2 on bad options and a missing log', () => {
    expect(cli('audit', 'query', '--decision', 'maybe').status).toBe(2);
    expect(cli('audit', 'query', '--since', 'last week').status).toBe(2);
    const missing = cli('audit', 'query', '--db', 'nope/audit.db');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/no audit log at .*nope\/audit\.db/);
  });
});

describe('audit verify', () => {
  it('passes an untouched log with the default setup, saying which key it trusts', () => {
    const run = cli('audit', 'verify', '--json');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ valid: true, entries: 30, trustSource: 'keyDir', issues: [] });
    expect(cli('audit', 'verify').stdout).toMatch(/VALID .*\n.*trusting the public key in the key dir/);
  });

  it('fails with a key that did not sign the log, and exits 2 for an unreadable key', () => {
    const other = join(dir, 'other.pem');
    const gen = spawnSync(process.execPath, ['-e', `const { generateKeyPairSync } = require('node:crypto'); process.stdout.write(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }))`], { encoding: 'utf8' });
    writeFileSync(other, gen.stdout);
    const run = cli('audit', 'verify', '--json', '--trusted-key', other);
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout).issues[0].code).toBe('UNKNOWN_KEY');
    expect(cli('audit', 'verify', '--trusted-key', 'missing.pem').status).toBe(2);
  });

  it('checkpoint, proof and --trusted-checkpoint work together', () => {
    expect(cli('audit', 'checkpoint', '--out', 'cp.json').status).toBe(0);
    const cp = JSON.parse(readFileSync(join(dir, 'cp.json'), 'utf8'));
    expect(JSON.parse(cp.body)).toMatchObject({ size: 30 });
    const proof = cli('audit', 'proof', '--seq', '17', '--checkpoint', 'cp.json', '--json');
    expect(JSON.parse(proof.stdout)).toMatchObject({ type: 'inclusion', seq: 17, treeSize: 30, verified: true, matchesCheckpoint: true });
    const consistency = cli('audit', 'proof', '--old', '10', '--checkpoint', 'cp.json', '--json');
    expect(JSON.parse(consistency.stdout)).toMatchObject({ type: 'consistency', oldSize: 10, newSize: 30, verified: true });
    expect(cli('audit', 'proof').status).toBe(2);
    expect(cli('audit', 'verify', '--trusted-checkpoint', 'cp.json').status).toBe(0);
  });

  it('export and verify-export; an edited bundle fails', () => {
    expect(cli('audit', 'export', '--out', 'bundle.ndjson').status).toBe(0);
    const ok = cli('audit', 'verify-export', 'bundle.ndjson', '--json');
    expect(JSON.parse(ok.stdout)).toMatchObject({ valid: true, entries: 30 });
    expect(ok.status).toBe(0);
    const text = readFileSync(join(dir, 'bundle.ndjson'), 'utf8');
    const bad = text.replace('\\"decision\\":\\"deny\\"', '\\"decision\\":\\"allow\\"');
    expect(bad).not.toBe(text);
    writeFileSync(join(dir, 'bad.ndjson'), bad);
    expect(cli('audit', 'verify-export', 'bad.ndjson').status).toBe(1);
  });

  it('after a row is edited with the sqlite3 shell: valid false, the first bad seq, exit 1', () => {
    const shell = spawnSync('sqlite3', ['-version']);
    if (shell.error) throw new Error('the sqlite3 shell is needed for this test (apt-get install sqlite3)');
    const db = join(dir, 'state', 'audit.db');
    const triggers = spawnSync('sqlite3', [db, "SELECT name FROM sqlite_master WHERE type='trigger';"], { encoding: 'utf8' }).stdout.trim().split('\n');
    const drop = triggers.map((t) => `DROP TRIGGER ${t};`).join('');
    const edit = spawnSync('sqlite3', [db, `${drop} UPDATE entries SET body = replace(body, '"deny"', '"allow"') WHERE seq = 12;`], { encoding: 'utf8' });
    expect(edit.status, edit.stderr).toBe(0);
    const run = cli('audit', 'verify', '--json');
    const verdict = JSON.parse(run.stdout);
    expect(verdict.valid).toBe(false);
    expect(verdict.issues[0]).toMatchObject({ code: 'BODY_HASH_MISMATCH', seq: 12 });
    expect(run.status).toBe(1);
  });
});

describe('audit tail', () => {
  it('prints the last lines, then follows entries appended by another process', async () => {
    const once = cli('audit', 'tail', '-n', '2', '--no-follow', '--json');
    expect(once.stdout.trim().split('\n').map((l) => JSON.parse(l).seq)).toEqual([29, 30]);
    const p = spawn(process.execPath, [CLI, 'audit', 'tail', '-n', '0', '--interval', '50', '--json'], { cwd: dir });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    const exited = new Promise((r) => p.on('exit', r));
    await new Promise((r) => setTimeout(r, 800));
    writeEntries(dir, 31, 3, ENTRY);
    const deadline = Date.now() + 10_000;
    while (!out.includes('"seq":33') && Date.now() < deadline && p.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    p.kill('SIGTERM');
    await exited;
    expect(err).toBe('');
    expect(out.trim().split('\n').map((l) => JSON.parse(l).seq)).toEqual([31, 32, 33]);
  });
});

describe('keys', () => {
  it('init keeps an existing key unless --force; show prints it', () => {
    const init = cli('keys', 'init', '--json');
    const first = JSON.parse(init.stdout);
    expect(first).toMatchObject({ created: false });
    expect(JSON.parse(cli('keys', 'show', '--json').stdout).keyId).toBe(first.keyId);
    const fresh = JSON.parse(cli('keys', 'init', '--json', '--key-dir', 'other-keys').stdout);
    expect(fresh).toMatchObject({ created: true });
    expect(fresh.publicKey).toContain('BEGIN PUBLIC KEY');
    expect(cli('keys', 'show', '--key-dir', 'nowhere').status).toBe(1);
  });
});

describe('output to a reader that stops early (`audit query --json | head`)', () => {
  it('stops quietly with exit code 0 instead of crashing on EPIPE', async () => {
    const big = mkdtempSync(join(tmpdir(), 'audit-cli-pipe-'));
    try {
      writeFileSync(join(big, 'governance.config.json'), JSON.stringify({ level: 'staging', stateDir: 'state' }));
      writeEntries(big, 1, 5000, ENTRY);
      const child = spawn(process.execPath, [CLI, 'audit', 'query', '--json'], { cwd: big });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => { stderr += chunk; });
      child.stdout.once('data', () => child.stdout.destroy());
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(stderr).toBe('');
      expect(code).toBe(0);
    } finally {
      rmSync(big, { recursive: true, force: true });
    }
  });
});
