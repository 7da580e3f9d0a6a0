// `mltrainer-governance run`: the flags derived from a policy, and real programs started with the
// preload plus Node's permission model. At development level the hooks only record, so what is still
// blocked there is blocked by the native floor alone.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, readAuditEntries, REPO_ROOT, removeProject } from '../helpers/governed-run';

const CLI = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');
const MAJOR = Number(process.versions.node.split('.')[0]);

function cli(dir: string, args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
  for (const key of Object.keys(env)) if (key.startsWith('MLTRAINER_') || key.startsWith('VITEST')) delete env[key];
  return spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', env, timeout: 30_000 });
}

function policy(dir: string, level: string) {
  return {
    level,
    default: 'deny',
    stateDir: '.governance',
    rules: [
      { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
      { id: 'out', action: 'file_write', target: `${dir}/out/**`, effect: 'allow' },
    ],
  };
}

const APP = String.raw`
const fs = require('node:fs'), path = require('node:path');
const [outside] = process.argv.slice(2);
const results = {};
function attempt(label, fn) { try { results[label] = { outcome: 'ok', value: String(fn()) }; } catch (e) { results[label] = { outcome: 'thrown', code: e.code, name: e.name }; } }
attempt('allowed write', () => fs.writeFileSync(path.join(__dirname, 'out', 'result.txt'), 'ok'));
attempt('outside write', () => fs.writeFileSync(path.join(outside, 'stolen.txt'), 'x'));
attempt('eval', () => eval('6 * 7'));
attempt('new Function', () => new Function('return 1')());
attempt('spawn', () => { const r = require('node:child_process').spawnSync('/bin/true'); if (r.error) throw r.error; return r.status; });
import('./lib.mjs').then((lib) => {
  results['esm import'] = { outcome: 'ok', value: lib.answer };
  process.stdout.write(JSON.stringify(results) + '\n');
  process.exitCode = 7;
});
`;

describe('run --dry-run: flags derived from the policy', () => {
  const dir = createProject({ files: { 'app.cjs': '' } });
  const withPolicy = (p: Record<string, unknown>) => {
    createProjectPolicy(dir, p);
    const result = cli(dir, ['run', '--dry-run', '--json', '--', process.execPath, 'app.cjs']);
    expect(result.status, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as { flags: string[]; nodeOptions: string };
  };
  afterAll(() => removeProject(dir));

  it('grants reads and writes by directory, addons and the loader worker, and nothing else', () => {
    const { flags, nodeOptions } = withPolicy(policy(dir, 'production'));
    expect(flags[0]).toBe(MAJOR >= 23 || (MAJOR === 22 && Number(process.versions.node.split('.')[1]) >= 13) ? '--permission' : '--experimental-permission');
    expect(flags).toContain('--allow-fs-read=*');
    expect(flags).toContain(`--allow-fs-write=${dir}/.governance`);
    expect(flags).toContain(`--allow-fs-write=${dir}/out`);
    expect(flags).toContain('--allow-addons');
    expect(flags).toContain('--allow-worker');
    expect(flags).toContain('--disallow-code-generation-from-strings');
    expect(flags).not.toContain('--allow-child-process');
    expect(nodeOptions.startsWith(`--require=${join(REPO_ROOT, 'dist', 'register.js')}`)).toBe(true);
  });

  it('grants child processes and code generation only when the policy may allow them', () => {
    const base = policy(dir, 'production');
    const { flags } = withPolicy({ ...base, rules: [...base.rules, { id: 'git', action: 'process_spawn', target: '/usr/bin/git', effect: 'allow' }, { id: 'eval', action: 'code_eval', target: '**', effect: 'allow' }] });
    expect(flags).toContain('--allow-child-process');
    expect(flags).not.toContain('--disallow-code-generation-from-strings');
  });

  it('narrows reads to the directories the rules name', () => {
    const base = policy(dir, 'production');
    const { flags } = withPolicy({ ...base, rules: [{ id: 'data', action: 'file_read', target: '/srv/data/**/*.csv', effect: 'allow' }, ...base.rules.slice(1)] });
    expect(flags).toContain('--allow-fs-read=/srv/data');
    expect(flags).toContain(`--allow-fs-read=${dir}`);
    expect(flags).not.toContain('--allow-fs-read=*');
  });

  it('without a command it is a usage error', () => {
    const result = cli(dir, ['run']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/needs a command after --/);
  });
});

function createProjectPolicy(dir: string, p: Record<string, unknown>): void {
  require('node:fs').writeFileSync(join(dir, 'governance.config.json'), JSON.stringify(p));
}

describe.each(['production', 'development'])('run -- node app.cjs at %s level', (level) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'lib.mjs': 'export const answer = "forty-two";\n' } });
  const outside = join(dir, 'elsewhere');
  mkdirSync(join(dir, 'out'));
  mkdirSync(outside);
  createProjectPolicy(dir, policy(dir, level));
  const result = cli(dir, ['run', '--', process.execPath, 'app.cjs', outside]);
  const results = JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as Record<string, { outcome: string; code?: string; name?: string; value?: string }>;
  const entries = readAuditEntries(join(dir, '.governance'));
  afterAll(() => removeProject(dir));

  it('exits with the program\'s exit code', () => {
    expect(result.status, result.stderr).toBe(7);
  });

  it('governance is active under the permission model and the program does its allowed work', () => {
    expect(entries.some((e) => e.action === 'governance_activate')).toBe(true);
    expect(results['allowed write'].outcome).toBe('ok');
    expect(existsSync(join(dir, 'out', 'result.txt'))).toBe(true);
    expect(results['esm import']).toEqual({ outcome: 'ok', value: 'forty-two' });
  });

  it('a write outside the policy is refused (by the hook at production, by the native floor at development)', () => {
    expect(results['outside write'].outcome).toBe('thrown');
    expect(results['outside write'].code).toBe(level === 'production' ? 'EGOVDENIED' : 'ERR_ACCESS_DENIED');
    expect(existsSync(join(outside, 'stolen.txt'))).toBe(false);
    const decision = entries.find((e) => e.action === 'file_write' && e.target === join(outside, 'stolen.txt'));
    expect(decision?.decision).toBe(level === 'production' ? 'deny' : 'would_deny');
  });

  it('code generation from strings is off natively when the policy denies code_eval', () => {
    expect(results.eval.outcome).toBe('thrown');
    expect(results['new Function'].outcome).toBe('thrown');
    if (level === 'development') expect(results.eval.name).toBe('EvalError');
  });

  it('a child process is refused (the floor has no --allow-child-process)', () => {
    expect(results.spawn.outcome).toBe('thrown');
    expect(results.spawn.code).toBe(level === 'production' ? 'EGOVDENIED' : 'ERR_ACCESS_DENIED');
  });
});

// Under the permission model process.binding is refused, so sync spawns are decided from their arguments
// (the fallback in child-process.ts): a program that poisoned Array.prototype first must not get other
// arguments to Node than the ones checked.
const SPAWN_APP = String.raw`
const cp = require('node:child_process');
const [marker] = process.argv.slice(2);
function plantIndex(key, value) {
  Object.defineProperty(Array.prototype, key, { configurable: true, set() {
    delete Array.prototype[key];
    Object.defineProperty(this, key, { get: () => value, set() {}, configurable: true, enumerable: true });
  } });
}
plantIndex('1', ['; touch ' + marker]);
plantIndex('2', { shell: true });
const swapped = cp.spawnSync('echo');
const direct = cp.spawnSync('touch', [marker]);
// On timeout libuv would send SIGUSR1 natively, which opens a node child's inspector; Node accepts the name in any case.
const usr1 = cp.spawnSync('echo', ['hi'], { timeout: 5000, killSignal: 'sigusr1' });
process.stdout.write(JSON.stringify({ swapped: swapped.status, direct: direct.error && direct.error.code, usr1: usr1.error && usr1.error.code }) + '\n');
`;

describe('run -- node spawn-app.cjs: sync spawns under the permission model', () => {
  const dir = createProject({ files: { 'spawn-app.cjs': SPAWN_APP } });
  const marker = join(dir, 'marker');
  createProjectPolicy(dir, {
    level: 'production',
    default: 'deny',
    stateDir: '.governance',
    rules: [
      { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
      { id: 'echo', action: 'process_spawn', target: 'echo', effect: 'allow' },
    ],
  });
  const result = cli(dir, ['run', '--', process.execPath, 'spawn-app.cjs', marker]);
  const out = JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as { swapped: number; direct: string; usr1: string };
  const entries = readAuditEntries(join(dir, '.governance'));
  afterAll(() => removeProject(dir));

  it('runs the checked command with the checked arguments, not what index setters left', () => {
    expect(out.swapped, result.stderr).toBe(0); // echo ran
    expect(existsSync(marker)).toBe(false);
  });

  it('still refuses and records a spawn the policy denies', () => {
    expect(out.direct).toBe('EGOVDENIED');
    expect(entries.some((e) => e.action === 'process_spawn' && e.decision === 'deny' && String(e.target).endsWith('touch'))).toBe(true);
  });

  it('refuses a sync spawn whose timeout signal is SIGUSR1, as the binding check does', () => {
    expect(out.usr1).toBe('EGOVDENIED');
    expect(entries.some((e) => e.target === 'inspector:child' && e.violation === 'runtime_bypass' && e.decision === 'deny')).toBe(true);
  });
});
