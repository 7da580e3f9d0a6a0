// A worker started with `env: SHARE_ENV` (production policy, three launch modes). It shares the program's
// process.env, and finds its config from the current directory, which the program can move. Until 2026-11-23 a
// program that wrote a permissive config where it may write, and either pointed MLTRAINER_GOVERNANCE_CONFIG at it
// or chdir'd next to it, started a worker that loaded that config and wrote a denied file (its entries went to
// another log). The worker must now run under the program's own policy, and the program may not set the
// environment data that carries it.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject, writeOnlyInOkPolicy } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const WORKER = String.raw`
const fs = require('node:fs'), path = require('node:path');
const { workerData, parentPort } = require('node:worker_threads');
let outcome;
try { fs.writeFileSync(path.join(workerData.dir, workerData.file), 'x'); outcome = 'written'; } catch (e) { outcome = e && e.code; }
parentPort.postMessage(outcome);
`;

const APP = String.raw`
const fs = require('node:fs'), path = require('node:path');
const { Worker, SHARE_ENV, setEnvironmentData } = require('node:worker_threads');
const D = path.join(__dirname, 'denied'), OK = path.join(__dirname, 'ok');
const permissive = JSON.stringify({ level: 'development', default: 'allow', rules: [], stateDir: path.join(OK, 'state') });
const run = (dir, file) => new Promise((resolve) => {
  const worker = new Worker(path.join(__dirname, 'worker.cjs'), { env: SHARE_ENV, workerData: { dir, file } });
  let outcome = 'no answer';
  worker.on('message', (m) => { outcome = m; });
  worker.on('error', (e) => { outcome = 'error ' + (e && e.code); });
  worker.on('exit', () => resolve(outcome));
});
(async () => {
  const results = {};
  const saved = process.env.MLTRAINER_GOVERNANCE_CONFIG;
  fs.writeFileSync(path.join(OK, 'permissive.json'), permissive);
  process.env.MLTRAINER_GOVERNANCE_CONFIG = path.join(OK, 'permissive.json');
  results['config variable pointed at a permissive config'] = await run(D, 'via-variable');
  if (saved === undefined) delete process.env.MLTRAINER_GOVERNANCE_CONFIG; else process.env.MLTRAINER_GOVERNANCE_CONFIG = saved;
  // Planted before the run: since 2026-11-23 the program may not write one below the active config (config-discovery.test.ts).
  const cwd = process.cwd();
  process.chdir(OK);
  results['current directory moved next to a permissive config'] = await run(D, 'via-directory');
  process.chdir(cwd);
  try { setEnvironmentData('@mltrainer/governance.parent', JSON.stringify([path.join(OK, 'permissive.json'), 'development'])); results['environment data set by the program'] = 'set'; }
  catch (e) { results['environment data set by the program'] = e && e.name; }
  results['positive control: an allowed write from a shared-env worker'] = await run(OK, 'allowed');
  results['positive control: a denied write from a shared-env worker'] = await run(D, 'plain');
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
})();
`;

describe.each(LAUNCH_MODES)('a SHARE_ENV worker keeps the program policy (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'worker.cjs': WORKER, 'denied/.keep': '', 'ok/.keep': '' } });
  writeFileSync(join(dir, 'ok', 'governance.config.json'), JSON.stringify({ level: 'development', default: 'allow', rules: [], stateDir: join(dir, 'ok', 'state') }));
  const policy = writeOnlyInOkPolicy(dir, { rules: [{ id: 'workers', action: 'worker_spawn', target: '**', effect: 'allow' }] });
  const run = governedRun({ dir, mode, entry: 'app.cjs', policy });
  const results = run.status === 0 ? routeResults<Record<string, string>>(run) : {};
  const entries = run.entries();
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each([
    ['config variable pointed at a permissive config', 'via-variable'],
    ['current directory moved next to a permissive config', 'via-directory'],
  ])('%s: the worker is refused, the file absent and the denial in the program log', (label, file) => {
    expect(results[label]).toBe('EGOVDENIED');
    expect(existsSync(join(dir, 'denied', file))).toBe(false);
    expect(entries.some((e) => e.action === 'file_write' && e.target === join(dir, 'denied', file) && e.decision === 'deny')).toBe(true);
  });

  it('the program cannot set the environment data that carries the policy', () => {
    expect(results['environment data set by the program']).toBe('TypeError');
  });

  it('positive controls: the worker writes where the policy allows and is refused elsewhere', () => {
    expect(results['positive control: an allowed write from a shared-env worker']).toBe('written');
    expect(existsSync(join(dir, 'ok', 'allowed'))).toBe(true);
    expect(results['positive control: a denied write from a shared-env worker']).toBe('EGOVDENIED');
  });
});
