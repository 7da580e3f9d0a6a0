// Governance's own live modules are out of the program's reach (src/hooks/own-modules.ts), in the three launch
// modes under a production policy: none is in require.cache or linked from a module that is; governance's
// own later requires (getAuditLog loads the audit reader on first use) still get the live modules and leave
// nothing behind; a worker is sealed the same way; and the CLI, run as a governed program, works on its own
// fresh copies without tripping the integrity watch.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, PACKAGE_NAME, REPO_ROOT, readOnlyPolicy, removeProject } from '../helpers/governed-run';

const APP = String.raw`
'use strict';
const fs = require('node:fs'), path = require('node:path');
const { Worker } = require('node:worker_threads');
const dist = path.dirname(require.resolve('@mltrainer/governance'));
const internals = () => Object.keys(require.cache).filter((f) => f.startsWith(path.join(dist, 'src') + path.sep) && !f.includes(path.sep + 'analysis' + path.sep));
const result = { before: internals() };
const log = require('@mltrainer/governance').getAuditLog();
result.entries = Array.isArray(log.queryLogs({}));
result.after = internals();
try { fs.writeFileSync(path.join(process.cwd(), 'forbidden.txt'), 'x'); result.write = 'written'; } catch (e) { result.write = e.code; }
const worker = new Worker("const path = require('node:path'); const dist = path.dirname(require.resolve('@mltrainer/governance')); require('node:worker_threads').parentPort.postMessage(Object.keys(require.cache).filter((f) => f.startsWith(path.join(dist, 'src') + path.sep)));", { eval: true });
worker.on('message', (inWorker) => { result.worker = inWorker; console.log(JSON.stringify(result)); });
`;

function policy(dir: string) {
  return readOnlyPolicy(dir, [
    { id: 'worker', action: 'worker_spawn', target: '**', effect: 'allow' },
    { id: 'eval', action: 'code_eval', target: '**', effect: 'allow' },
  ]);
}

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeProject));

describe.each(LAUNCH_MODES)('governance modules out of reach (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP } });
  dirs.push(dir);
  const run = governedRun({ dir, mode, entry: 'app.cjs', policy: policy(dir) });
  const result = JSON.parse(run.stdout.trim().split('\n').pop() || '{}') as { before: string[]; after: string[]; entries: boolean; write: string; worker: string[] };

  it('ran to completion without warnings', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
  });

  it('no internal module is in require.cache, before or after governance loaded more of itself', () => {
    expect(result.before).toEqual([]);
    expect(result.entries).toBe(true);
    expect(result.after).toEqual([]);
  });

  it('a worker is sealed too', () => {
    expect(result.worker).toEqual([]);
  });

  it('governance still decides (a forbidden write is refused)', () => {
    expect(result.write).toBe('EGOVDENIED');
  });
});

describe('the CLI run as a governed program (NODE_OPTIONS preload)', () => {
  const dir = createProject({ policy: { level: 'production', default: 'deny', rules: [{ id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' }] } });
  dirs.push(dir);
  governedRun({ dir, mode: 'require', entry: '-e', args: ['0'] });
  const cli = spawnSync(process.execPath, [join(REPO_ROOT, 'dist/src/cli/main.js'), 'audit', 'verify', '--json'], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_OPTIONS: `--require ${PACKAGE_NAME}` },
  });

  it('verifies the log with no integrity warning', () => {
    expect(cli.stderr).toBe('');
    expect(cli.status).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({ valid: true });
  });
});
