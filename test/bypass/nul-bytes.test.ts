// A NUL character in a path that reaches native code without Node's validation, under a production policy in the
// three launch modes. C code reads a string up to its first NUL, but a check of the whole string folds
// `/denied\0/../allowed` to `/allowed`: the raw spawn and process.execve ran a denied program, the dynamic loader
// opened a denied addon, and uvwasi preopened a denied directory (until 2026-11-22). Governance now decides what C
// reads (fs-paths.cString) and refuses a spawn carrying a NUL as runtime_bypass.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject, REPO_ROOT } from '../helpers/governed-run';
import { printedResults } from '../helpers/route-results';

const ADDON = join(REPO_ROOT, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
const UP = '/..'.repeat(12);
const HAS_EXECVE = typeof (process as { execve?: unknown }).execve === 'function';

const APP = String.raw`
const { ChildProcess } = require('node:child_process');
const here = process.cwd();
const results = {};
function attempt(label, fn) { try { results[label] = { outcome: 'done', value: String(fn()) }; } catch (e) { results[label] = { outcome: 'thrown', code: e.code }; } }
const spawnRaw = (options) => { const child = new ChildProcess(); child.on('error', () => {}); child.spawn({ stdio: 'ignore', ...options }); return child.pid; };
attempt('raw spawn, NUL in the program', () => spawnRaw({ file: '/usr/bin/touch\0${UP}/bin/echo', args: ['touch', here + '/ok/spawned-file'] }));
attempt('raw spawn, NUL in the directory', () => spawnRaw({ file: './run.sh', cwd: here + '/bin\0/../ok', args: ['./run.sh', here + '/ok/spawned-cwd'] }));
attempt('raw spawn, NUL in an argument', () => spawnRaw({ file: '/bin/echo', args: ['echo', 'a\0b'] }));
attempt('dlopen, NUL in the path', () => process.dlopen({ exports: {} }, here + '/evil.node\0${UP}' + process.argv[2]));
attempt('WASI preopen, NUL in the directory', () => typeof new (require('node:wasi').WASI)({ version: 'preview1', preopens: { '/x': here + '/denied\0/../ok' } }).start);
attempt('WASI preopen, allowed directory', () => typeof new (require('node:wasi').WASI)({ version: 'preview1', preopens: { '/x': here + '/ok' } }).start);
setTimeout(() => {
  results.maps = require('node:fs').readFileSync('/proc/self/maps', 'utf8').includes('evil.node');
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
  if (typeof process.execve === 'function') {
    try { process.execve('/usr/bin/touch\0${UP}/bin/echo', ['touch', here + '/ok/execve-file']); } catch (e) { process.stdout.write('EXECVE ' + e.code + '\n'); }
  }
}, 300);
`;

interface Outcome {
  outcome: string;
  code?: string;
  value?: string;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeProject));

describe.each(LAUNCH_MODES)('a NUL character in a path native code reads (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'ok/run.sh': '#!/bin/sh\necho ok\n', 'bin/run.sh': '#!/bin/sh\ntouch "$1"\n', 'denied/x': 'x' } });
  dirs.push(dir);
  copyFileSync(ADDON, join(dir, 'evil.node'));
  mkdirSync(join(dir, 'ok'), { recursive: true });
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    args: [ADDON],
    policy: {
      level: 'production',
      default: 'deny',
      rules: [
        { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
        { id: 'ok', action: 'file_write', target: [`${dir}/ok`, `${dir}/ok/**`], effect: 'allow' },
        { id: 'echo', action: 'process_spawn', target: ['/bin/echo', '/usr/bin/echo', `${dir}/ok/run.sh`], effect: 'allow' },
        { id: 'addon', action: 'native_addon', target: ADDON, effect: 'allow' },
      ],
    },
  });
  const results = printedResults<Record<string, Outcome | boolean>>(run);
  const entries = run.entries();
  const outcome = (label: string): Outcome => results[label] as Outcome;

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it('the raw spawn refuses a NUL in the program, directory or arguments, recorded as runtime_bypass; nothing ran', () => {
    expect(run.stderr).not.toContain('TypeError');
    for (const label of ['raw spawn, NUL in the program', 'raw spawn, NUL in the directory', 'raw spawn, NUL in an argument']) {
      expect(outcome(label), label).toEqual({ outcome: 'done', value: 'undefined' }); // no pid: the spawn failed
    }
    expect(existsSync(join(dir, 'ok', 'spawned-file'))).toBe(false);
    expect(existsSync(join(dir, 'ok', 'spawned-cwd'))).toBe(false);
    expect(entries.filter((e) => e.action === 'process_spawn' && e.violation === 'runtime_bypass' && e.decision === 'deny').length).toBeGreaterThanOrEqual(3);
  });

  it.skipIf(!HAS_EXECVE)('process.execve with a NUL in the program is refused', () => {
    expect(run.stdout).toContain('EXECVE EGOVDENIED');
    expect(existsSync(join(dir, 'ok', 'execve-file'))).toBe(false);
  });

  it('dlopen decides the file before the NUL: the denied addon is never mapped', () => {
    expect(outcome('dlopen, NUL in the path')).toEqual({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(results.maps).toBe(false);
    expect(entries.some((e) => e.action === 'native_addon' && e.target === join(dir, 'evil.node') && e.decision === 'deny')).toBe(true);
  });

  it('a WASI preopen is decided as the directory before the NUL', () => {
    expect(outcome('WASI preopen, NUL in the directory')).toEqual({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(entries.some((e) => e.target.startsWith(join(dir, 'denied')) && e.decision === 'deny')).toBe(true);
  });

  it('positive control: an allowed preopen still works', () => {
    expect(outcome('WASI preopen, allowed directory')).toEqual({ outcome: 'done', value: 'function' });
  });
});
