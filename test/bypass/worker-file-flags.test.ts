// A worker's own file flags under a production policy, in the three launch modes. Node accepts the per-thread
// profiling flags in a Worker's execArgv (`--cpu-prof`, `--heap-prof` with `--cpu-prof-dir`, `--heap-prof-dir` or
// `--diagnostic-dir`) and writes the thread's profile from C++ when it exits, where no hook of the worker sees it:
// until 2026-11-23 a program wrote profiles into a directory the rules denied (every line), since only loader flags
// were decided for a worker. Each attempt must be refused as code_eval:node-flag:<flag> before the worker starts,
// nothing may land in denied/, and the refusal must be in the audit log. Positive controls: a flag the policy allows
// writes its profile where the rules let it, and a worker given other flags runs.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const { Worker } = require('node:worker_threads');
const path = require('node:path');
const denied = path.join(process.cwd(), 'denied'), ok = path.join(process.cwd(), 'ok');
const results = {};
function run(worker) {
  return new Promise((resolve) => {
    let value;
    worker.on('message', (m) => { value = m; });
    worker.on('error', (e) => resolve({ outcome: 'error', code: e.code, message: String(e.message) }));
    worker.on('exit', () => resolve({ outcome: 'ran', value }));
  });
}
async function attempt(label, execArgv) {
  try { results[label] = await run(new Worker('./target.cjs', { execArgv })); }
  catch (e) { results[label] = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
}
(async () => {
  await attempt('--cpu-prof-dir', ['--cpu-prof', '--cpu-prof-dir=' + denied]);
  await attempt('a flag value as the next argument', ['--cpu-prof-dir', denied, '--cpu-prof']);
  await attempt('--diagnostic-dir', ['--diagnostic-dir=' + denied, '--cpu_prof']);
  await attempt('object flag', [{ toString() { return '--cpu-prof'; } }, '--cpu-prof-dir=' + denied]);
  await attempt('allowed flag', ['--heap-prof', '--heap-prof-dir=' + ok]);
  await attempt('control', ['--no-warnings']);
  console.log('RESULTS ' + JSON.stringify(results));
})();
`;

const FILES: Record<string, string> = {
  'app.js': APP,
  'target.cjs': 'require("node:worker_threads").parentPort.postMessage("target ran");\n',
  'denied/.keep': '',
  'ok/.keep': '',
};

const REFUSED: Record<string, string> = {
  '--cpu-prof-dir': '--cpu-prof',
  'a flag value as the next argument': '--cpu-prof-dir',
  '--diagnostic-dir': '--diagnostic-dir',
  'object flag': '--cpu-prof',
};

/** Reading and loading allowed, workers of target.cjs, writes only under any `<writable>/` folder, then `rules`. */
function workerPolicy(writable: string, rules: Record<string, unknown>[] = []): Record<string, unknown> {
  return {
    level: 'production',
    default: 'deny',
    rules: [
      { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
      { id: 'worker', action: 'worker_spawn', target: '**/target.cjs', effect: 'allow' },
      { id: 'write', action: 'file_write', target: `**/${writable}/**`, effect: 'allow' },
      ...rules,
    ],
  };
}

describe.each(LAUNCH_MODES)('worker file flags, production policy (%s)', (mode) => {
  const dir = createProject({
    files: FILES,
    policy: workerPolicy('ok', [{ id: 'profiling', action: 'code_eval', target: 'node-flag:--heap-prof*', effect: 'allow' }]),
  });
  afterAll(() => removeProject(dir));
  const run = governedRun({ dir, entry: 'app.js', mode, timeoutMs: 60_000 });
  const results = (): Record<string, { outcome: string; code?: string; message?: string; value?: unknown }> => routeResults(run);

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(Object.entries(REFUSED))('%s is refused as code_eval:node-flag:%s before the worker starts', (label, flag) => {
    expect(results()[label], label).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(results()[label].message).toContain(`code_eval:node-flag:${flag}`);
    expect(run.entries().some((e) => e.action === 'code_eval' && e.target === `node-flag:${flag}` && e.decision === 'deny')).toBe(true);
  });

  it('no profile was written to denied/', () => {
    expect(readdirSync(join(dir, 'denied'))).toEqual(['.keep']);
  });

  it('positive controls: an allowed flag writes its profile in ok/; a worker given other flags runs', () => {
    expect(results()['allowed flag']).toEqual({ outcome: 'ran', value: 'target ran' });
    expect(readdirSync(join(dir, 'ok')).some((name) => name.endsWith('.heapprofile'))).toBe(true);
    expect(results().control).toEqual({ outcome: 'ran', value: 'target ran' });
  });
});

// A legitimate pattern: a program that hands its workers its own flags (`execArgv: process.execArgv`), under an
// operator who started it with a profiling flag, gets what inheriting gives; a flag it added to them is decided.
const FORWARD = String.raw`
const { Worker } = require('node:worker_threads');
const path = require('node:path');
const results = {};
function run(worker) {
  return new Promise((resolve) => {
    let value;
    worker.on('message', (m) => { value = m; });
    worker.on('error', (e) => resolve({ outcome: 'error', code: e.code }));
    worker.on('exit', () => resolve({ outcome: 'ran', value }));
  });
}
(async () => {
  try { results.forwarded = await run(new Worker('./target.cjs', { execArgv: process.execArgv })); } catch (e) { results.forwarded = { outcome: 'thrown', code: e.code }; }
  const added = [...process.execArgv, '--cpu-prof-dir=' + path.join(process.cwd(), 'denied')];
  try { results.added = await run(new Worker('./target.cjs', { execArgv: added })); } catch (e) { results.added = { outcome: 'thrown', code: e.code }; }
  console.log('RESULTS ' + JSON.stringify(results));
})();
`;

describe.each(LAUNCH_MODES)('a worker given this process\'s own flags (%s)', (mode) => {
  const dir = createProject({ files: { ...FILES, 'forward.js': FORWARD, 'profiles/.keep': '' } });
  afterAll(() => removeProject(dir));
  const run = governedRun({
    dir,
    mode,
    entry: 'forward.js',
    nodeFlags: ['--heap-prof', `--heap-prof-dir=${join(dir, 'profiles')}`],
    policy: workerPolicy('profiles'),
  });

  it('runs with them, and a flag the program added is refused', () => {
    expect(run.status, run.stderr).toBe(0);
    const results = routeResults<Record<string, { outcome: string; code?: string; value?: unknown }>>(run);
    expect(results.forwarded).toEqual({ outcome: 'ran', value: 'target ran' });
    expect(results.added).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(readdirSync(join(dir, 'denied'))).toEqual(['.keep']);
  });
});
