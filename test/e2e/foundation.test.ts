// The foundation's user stories, end to end: real node processes in the three launch modes, real
// policies, the real audit database, and the real CLI.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAUNCH_MODES, REPO_ROOT, createProject, governedRun, writeProjectFiles } from '../helpers/governed-run';

const CLI = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');

function cli(dir: string, args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
}

const policy = (dir: string, level = 'production') => ({
  level,
  default: 'deny',
  rules: [
    { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
    { id: 'out', action: 'file_write', target: `${dir}/out/**`, effect: 'allow' },
  ],
});

const writer = `
const fs = require('node:fs');
fs.mkdirSync(__dirname + '/out', { recursive: true });
fs.writeFileSync(__dirname + '/out/ok.txt', 'ok');
try {
  fs.writeFileSync(__dirname + '/outside.txt', 'x');
  console.log('WROTE');
} catch (e) {
  console.log(JSON.stringify({ name: e.name, code: e.code, message: e.message }));
}
`;

describe.each(LAUNCH_MODES)('a governed program (%s)', (mode) => {
  it('writes where the policy allows, is denied elsewhere, and every decision is in the log', () => {
    const dir = createProject();
    const run = governedRun({ dir, mode, entry: 'app.cjs', policy: policy(dir), files: { 'app.cjs': writer } });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const denial = JSON.parse(run.stdout);
    expect(denial).toMatchObject({ name: 'GovernanceDeniedError', code: 'EGOVDENIED' });
    expect(denial.message).toContain(`file_write:${dir}/outside.txt`);
    expect(denial.message).toContain('rule "default"');
    expect(readFileSync(join(dir, 'out', 'ok.txt'), 'utf8')).toBe('ok');
    expect(existsSync(join(dir, 'outside.txt'))).toBe(false);

    const entries = run.entries();
    expect(entries[0]).toMatchObject({ action: 'governance_activate', decision: 'allow', level: 'production' });
    expect(entries).toContainEqual(expect.objectContaining({ action: 'file_write', target: `${dir}/out/ok.txt`, decision: 'allow', ruleId: 'out' }));
    expect(entries).toContainEqual(expect.objectContaining({ action: 'file_write', target: `${dir}/outside.txt`, decision: 'deny', ruleId: 'default', caller: `${dir}/app.cjs:6` }));
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
  });
});

describe('the audit CLI on a real log', () => {
  it('lists denials, verifies the log, and catches an edited row', () => {
    const dir = createProject();
    governedRun({ dir, mode: 'require', entry: 'app.cjs', policy: policy(dir), files: { 'app.cjs': writer } });

    const query = cli(dir, ['audit', 'query', '--decision', 'deny', '--json']);
    expect(query.status).toBe(0);
    const denials = query.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(denials).toEqual([expect.objectContaining({ decision: 'deny', target: `${dir}/outside.txt` })]);

    const verify = cli(dir, ['audit', 'verify', '--json']);
    expect(JSON.parse(verify.stdout)).toMatchObject({ valid: true });
    expect(verify.status).toBe(0);

    // The attacker's way: the sqlite3 shell, dropping the defensive triggers first.
    const denied = denials[0];
    const db = join(dir, '.governance', 'audit.db');
    const sql = `SELECT name FROM sqlite_master WHERE type='trigger';`;
    const triggers = spawnSync('sqlite3', [db, sql], { encoding: 'utf8' });
    if (triggers.error) throw new Error('the sqlite3 shell is needed for this test (apt-get install sqlite3)');
    const drops = triggers.stdout.trim().split('\n').filter(Boolean).map((name) => `DROP TRIGGER "${name}";`).join('');
    const edit = spawnSync('sqlite3', [db, `${drops} UPDATE entries SET body = replace(body, '"deny"', '"allow"') WHERE seq = ${denied.seq};`], { encoding: 'utf8' });
    expect(edit.status, edit.stderr).toBe(0);

    const after = cli(dir, ['audit', 'verify', '--json']);
    const verdict = JSON.parse(after.stdout);
    expect(verdict.valid).toBe(false);
    expect(verdict.issues[0].seq).toBe(denied.seq);
    expect(after.status).toBe(1);
  });
});

describe('configuration errors', () => {
  const marker = `require('node:fs').writeFileSync(__dirname + '/ran', '1');`;

  it('refuses to start at production with a bad config, before user code runs (exit 78)', () => {
    const dir = createProject();
    const run = governedRun({ dir, mode: 'import', entry: 'app.cjs', policy: { level: 'production', rules: [{ id: 'x', action: 'file_write', target: '**', effect: 'alow' }] }, files: { 'app.cjs': marker } });
    expect(run.status).toBe(78);
    expect(run.stderr).toMatch(/refusing to start: .*governance\.config\.json: rules\.0\.effect/);
    expect(existsSync(join(dir, 'ran'))).toBe(false);
  });

  it('fails closed when a production config is not even valid JSON', () => {
    const dir = createProject({ files: { 'governance.config.json': '{ "level": "production", ', 'app.cjs': marker } });
    const run = governedRun({ dir, mode: 'require', entry: 'app.cjs' });
    expect(run.status).toBe(78);
    expect(existsSync(join(dir, 'ran'))).toBe(false);
  });

  it('warns once and runs on defaults in development', () => {
    const dir = createProject();
    const run = governedRun({ dir, mode: 'require', entry: 'app.cjs', policy: { level: 'development', bogus: 1 }, files: { 'app.cjs': marker } });
    expect(run.status).toBe(0);
    expect(run.stderr.match(/unknown field "bogus"/g)).toHaveLength(1);
    expect(existsSync(join(dir, 'ran'))).toBe(true);
  });

  it('lets MLTRAINER_ENFORCEMENT_LEVEL raise the level but never lower it', () => {
    const dir = createProject();
    const raised = governedRun({ dir, mode: 'require', entry: 'app.cjs', policy: policy(dir, 'development'), files: { 'app.cjs': writer }, env: { MLTRAINER_ENFORCEMENT_LEVEL: 'production' } });
    expect(JSON.parse(raised.stdout).code).toBe('EGOVDENIED');
    const lowered = governedRun({ dir, mode: 'require', entry: 'app.cjs', policy: policy(dir, 'production'), env: { MLTRAINER_ENFORCEMENT_LEVEL: 'development' } });
    expect(JSON.parse(lowered.stdout).code).toBe('EGOVDENIED');
    const unknown = governedRun({ dir, mode: 'require', entry: 'app.cjs', env: { MLTRAINER_ENFORCEMENT_LEVEL: 'prod' } });
    expect(unknown.status).toBe(78);
  });

  it('records would_deny and blocks nothing in development', () => {
    const dir = createProject();
    const run = governedRun({ dir, mode: 'import', entry: 'app.cjs', policy: policy(dir, 'development'), files: { 'app.cjs': writer } });
    expect(run.stdout.trim()).toBe('WROTE');
    expect(run.entries()).toContainEqual(expect.objectContaining({ target: `${dir}/outside.txt`, decision: 'would_deny' }));
  });
});

describe('nothing is lost', () => {
  const burst = (ending: string) => `
const fs = require('node:fs');
for (let i = 0; i < 200; i++) fs.statSync(__filename);
process.stdout.write('ready\\n');
${ending}
`;

  it.each([
    ['a normal exit', ''],
    ['process.exit()', 'process.exit(3);'],
    ['an uncaught exception', 'throw new Error("boom");'],
    ['an unhandled rejection', 'Promise.reject(new Error("boom"));'],
    // Ends without an 'exit' event: the log is closed (or flushed) before them.
    ['process.reallyExit()', 'process.reallyExit(0);'],
    ['process.abort()', 'process.abort();'],
    ['a SIGKILL the process sends itself', 'process.kill(process.pid, "SIGKILL");'],
  ])('keeps every decision after %s', (_name, ending) => {
    const dir = createProject();
    const run = governedRun({ dir, mode: 'require', entry: 'app.cjs', policy: { level: 'production', default: 'allow' }, files: { 'app.cjs': burst(ending) } });
    expect(run.stdout).toBe('ready\n');
    const stats = run.entries().filter((e) => e.action === 'file_read' && e.target === `${dir}/app.cjs`);
    expect(stats.length).toBeGreaterThanOrEqual(200);
  });

  it('loses at most the last 10 ms of allowed entries to a kill from outside, even while the program is busy', async () => {
    // A synchronous loop never lets the commit timer run: the entries must not wait for 1024 more.
    const app = `
const fs = require('node:fs');
const until = (ms) => { const end = Date.now() + ms; while (Date.now() < end); };
for (let i = 0; i < 100; i++) { fs.statSync(__filename); until(2); }
fs.writeSync(1, 'busy\\n');
until(60_000);
`;
    const dir = createProject({ policy: { level: 'production', default: 'allow' }, files: { 'app.cjs': app } });
    const child = spawn(process.execPath, ['--require', '@mltrainer/governance', 'app.cjs'], { cwd: dir, env: { ...process.env, NODE_OPTIONS: '' } });
    await new Promise<void>((resolve) => child.stdout.on('data', () => resolve()));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
    const { readAuditEntries } = await import('../helpers/governed-run');
    const stats = readAuditEntries(join(dir, '.governance')).filter((e) => e.action === 'file_read' && e.target === `${dir}/app.cjs`);
    expect(stats.length).toBeGreaterThanOrEqual(94); // the loop's last ~10 ms (five calls at most) may be lost
  });

  // Governance's 'exit' listener is the first one: the program's own listeners act after the log has closed.
  it.each(LAUNCH_MODES)('records what the program does in its own exit listeners, denials included (%s)', (mode) => {
    const app = `
const fs = require('node:fs');
process.on('exit', () => {
  // What the program may have done to the realm by then does not change what governance records or signs.
  Array.prototype.push = () => 0; Array.prototype.map = () => []; Math.log2 = () => 0;
  const path = require('node:path'); path.join = path.resolve = path.dirname = () => '/nowhere';
  fs.writeFileSync(__dirname + '/out/summary.txt', 'done');
  try { fs.writeFileSync(__dirname + '/outside.txt', 'x'); } catch (e) { process.stdout.write(e.code + '\\n'); }
});
process.on('exit', () => { require('node:os'); });
if (process.argv[2] === 'exit') process.exit(4);
`;
    for (const ending of [[], ['exit']]) {
      const dir = createProject();
      const run = governedRun({ dir, mode, entry: 'app.cjs', args: ending, policy: policy(dir), files: { 'app.cjs': app, 'out/.keep': '' } });
      expect(run.stdout, run.stderr).toBe('EGOVDENIED\n');
      expect(run.stderr).toBe('');
      expect(run.status).toBe(ending.length ? 4 : 0);
      expect(existsSync(join(dir, 'outside.txt'))).toBe(false);
      const late = run.entries().slice(-4).map((e) => [e.action, e.target, e.decision]);
      expect(late).toEqual([
        ['module_load', 'node:path', 'allow'], ['file_write', `${dir}/out/summary.txt`, 'allow'], ['file_write', `${dir}/outside.txt`, 'deny'], ['module_load', 'node:os', 'allow'],
      ]);
      // Each late entry is under a signed checkpoint: the log verifies with no unsigned tail.
      expect(JSON.parse(cli(dir, ['audit', 'verify', '--json']).stdout)).toMatchObject({ valid: true, issues: [] });
    }
  });

  it('signs a last checkpoint over everything before process.reallyExit() and process.abort()', () => {
    for (const ending of ['process.reallyExit(0);', 'process.abort();']) {
      const dir = createProject();
      governedRun({ dir, mode: 'require', entry: 'app.cjs', policy: { level: 'production', default: 'allow' }, files: { 'app.cjs': burst(ending) } });
      const verdict = JSON.parse(cli(dir, ['audit', 'verify', '--json']).stdout);
      expect(verdict, ending).toMatchObject({ valid: true });
      const checkpoints = cli(dir, ['audit', 'checkpoint', '--json']);
      expect(JSON.parse(JSON.parse(checkpoints.stdout).body).size, ending).toBe(verdict.entries);
    }
  });

  it.each(['require', 'import'] as const)('keeps the decisions of a worker the program terminates (%s)', (mode) => {
    const app = `
const { Worker } = require('node:worker_threads');
const worker = new Worker("const fs = require('node:fs'); for (let i = 0; i < 50; i++) fs.writeFileSync('out-' + i, 'x'); require('node:worker_threads').parentPort.postMessage('done'); setInterval(() => {}, 1000);", { eval: true });
worker.on('message', () => worker.terminate().then((code) => console.log('terminated', code)));
`;
    const dir = createProject();
    const run = governedRun({ dir, mode, entry: 'app.cjs', policy: { level: 'production', default: 'allow' }, files: { 'app.cjs': app } });
    expect(run.stdout).toBe('terminated 1\n');
    const writes = run.entries().filter((e) => e.action === 'file_write' && e.target.startsWith(`${dir}/out-`));
    expect(writes).toHaveLength(50);
  });

  it('keeps every decision after SIGTERM', async () => {
    const dir = createProject({ policy: { level: 'production', default: 'allow' }, files: { 'app.cjs': burst('setInterval(() => {}, 1000);') } });
    const child = spawn(process.execPath, ['--require', '@mltrainer/governance', 'app.cjs'], { cwd: dir, env: { ...process.env, NODE_OPTIONS: '' } });
    await new Promise<void>((resolve) => child.stdout.on('data', () => resolve()));
    child.kill('SIGTERM');
    const signal = await new Promise((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    expect(signal).toBe('SIGTERM');
    const { readAuditEntries } = await import('../helpers/governed-run');
    const stats = readAuditEntries(join(dir, '.governance')).filter((e) => e.action === 'file_read' && e.target === `${dir}/app.cjs`);
    expect(stats.length).toBeGreaterThanOrEqual(200);
  });

  it('keeps one unbroken chain when four processes append at once', async () => {
    const dir = createProject({ policy: { level: 'production', default: 'allow' }, files: { 'app.cjs': burst('') } });
    const runs = Array.from({ length: 4 }, () => new Promise<number | null>((resolve) => {
      spawn(process.execPath, ['--require', '@mltrainer/governance', 'app.cjs'], { cwd: dir, env: { ...process.env, NODE_OPTIONS: '' } }).on('exit', resolve);
    }));
    expect(await Promise.all(runs)).toEqual([0, 0, 0, 0]);
    const verify = cli(dir, ['audit', 'verify', '--json']);
    const verdict = JSON.parse(verify.stdout);
    expect(verdict).toMatchObject({ valid: true });
    const { readAuditEntries } = await import('../helpers/governed-run');
    const entries = readAuditEntries(join(dir, '.governance'));
    expect(new Set(entries.map((e) => e.pid)).size).toBe(4);
    expect(entries.filter((e) => e.action === 'file_read' && e.target === `${dir}/app.cjs`).length).toBeGreaterThanOrEqual(800);
  });

  // A pipeline starting its workers together on a fresh project: they race to create the log, its signing key
  // and the validated-config cache. (The tighter race on the log's creation is in test/audit/processes.test.ts.)
  it('starts eight processes at once on a project with no log yet, every one governed and recorded', async () => {
    for (let round = 0; round < 2; round++) {
      const dir = createProject();
      writeProjectFiles(dir, { policy: policy(dir), files: { 'app.cjs': writer } });
      const runs = Array.from({ length: 8 }, () => new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['--require', '@mltrainer/governance', 'app.cjs'], { cwd: dir, env: { ...process.env, NODE_OPTIONS: '' } });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => { stdout += d; });
        child.stderr.on('data', (d) => { stderr += d; });
        child.on('exit', (code) => resolve({ code, stdout, stderr }));
      }));
      const results = await Promise.all(runs);
      expect(results.map((r) => [r.code, r.stderr])).toEqual(Array(8).fill([0, '']));
      for (const r of results) expect(JSON.parse(r.stdout)).toMatchObject({ code: 'EGOVDENIED' });
      expect(JSON.parse(cli(dir, ['audit', 'verify', '--json']).stdout)).toMatchObject({ valid: true });
      const { readAuditEntries } = await import('../helpers/governed-run');
      const entries = readAuditEntries(join(dir, '.governance'));
      expect(entries.filter((e) => e.action === 'governance_activate').length).toBe(8);
      expect(entries.filter((e) => e.action === 'file_write' && e.decision === 'deny').length).toBe(8);
    }
  });
});

describe('init and verify', () => {
  it('sets up a project that verify then vouches for', () => {
    const dir = createProject();
    const init = cli(dir, ['init', '--json']);
    expect(init.status, init.stderr).toBe(0);
    const setup = JSON.parse(init.stdout);
    expect(setup).toMatchObject({ configWritten: true, keyCreated: true });
    expect(setup.publicKey).toContain('BEGIN PUBLIC KEY');

    const verify = cli(dir, ['verify', '--json']);
    const report = JSON.parse(verify.stdout);
    expect(report.checks.map((c: { name: string; ok: boolean }) => [c.name, c.ok])).toEqual([
      ['config', true], ['preload --require', true], ['preload --import', true], ['signing key', true], ['audit log', true],
    ]);
    expect(verify.status).toBe(0);

    const alias = spawnSync(process.execPath, [join(REPO_ROOT, 'dist', 'src', 'cli', 'verify-alias.js'), '--json'], { cwd: dir, encoding: 'utf8' });
    expect(JSON.parse(alias.stdout).ok).toBe(true);
  });

  it('exits 2 on a usage error and on a bad config', () => {
    const dir = createProject();
    expect(cli(dir, ['audit', 'query', '--limit', 'many']).status).toBe(2);
    expect(cli(dir, ['no-such-command']).status).toBe(2);
    const bad = createProject({ files: { 'governance.config.json': '{"level": 3}' } });
    const verify = cli(bad, ['verify']);
    expect(verify.status).toBe(2);
    expect(verify.stderr).toMatch(/governance\.config\.json: level/);
  });
});
