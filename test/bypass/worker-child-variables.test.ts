// A worker's environment laundered the variables a child's spawn decides. A spawn lets through the values of
// BASH_ENV, LD_PRELOAD, NODE_EXTRA_CA_CERTS... that the process started with (the operator's), and decides the rest;
// but a worker took "started with" from its own process.env, which is the `env` the program gives it (or a copy of
// the program's process.env, or with SHARE_ENV the live one, read when the worker's preload loads). So a worker given
// `env: { ...process.env, BASH_ENV: 'ok/env.sh' }` (`unset NODE_OPTIONS`), a worker started after
// `process.env.BASH_ENV` was set, and a SHARE_ENV worker with BASH_ENV set just after it was created each ran
// `bash -c '<node> child.cjs'` past the check, and the child, started without the preload, wrote into a directory the
// policy denies (every line, until 2026-11-23). Under a production policy that allows the worker, bash and node, in the
// three launch modes, each must be refused as a runtime_bypass, logged, and leave no file. Positive control: a worker
// given an ordinary extra variable starts a governed child, whose write is refused and logged.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject, writeOnlyInOkPolicy } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const { Worker, SHARE_ENV } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
fs.writeFileSync('ok/env.sh', 'unset NODE_OPTIONS\n');
const bashEnv = path.resolve('ok/env.sh');
function run(label, options, after) {
  return new Promise((resolve) => {
    const w = new Worker(path.resolve('worker.cjs'), { ...options, workerData: label });
    if (after) after();
    w.on('message', (m) => resolve(m));
    w.on('error', (e) => resolve({ error: e.code, violation: e.violation }));
  });
}
(async () => {
  const results = {};
  results['env option'] = await run('env-option', { env: { ...process.env, BASH_ENV: bashEnv } });
  process.env.BASH_ENV = bashEnv;
  const copied = run('env-copy', {});
  delete process.env.BASH_ENV;
  results['process.env copy'] = await copied;
  results['SHARE_ENV'] = await run('share-env', { env: SHARE_ENV }, () => { process.env.BASH_ENV = bashEnv; });
  delete process.env.BASH_ENV;
  results['control: env FOO=1'] = await run('control', { env: { ...process.env, FOO: '1' } });
  console.log('RESULTS ' + JSON.stringify(results));
})();
`;

const WORKER = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const r = require('node:child_process').spawnSync('bash', ['-c', '"' + process.execPath + '" ' + require('node:path').resolve('child.cjs') + ' ' + workerData], { encoding: 'utf8' });
parentPort.postMessage(r.error ? { error: r.error.code, violation: r.error.violation } : { out: (r.stdout + r.stderr).trim() });
`;

const CHILD = String.raw`
const label = process.argv[2];
try { require('node:fs').writeFileSync(require('node:path').join(__dirname, 'denied', label), 'x'); console.log(label, 'WROTE'); }
catch (e) { console.log(label, e.code); }
`;

const REFUSED: [string, string][] = [['env option', 'env-option'], ['process.env copy', 'env-copy'], ['SHARE_ENV', 'share-env']];

describe.each(LAUNCH_MODES)('a worker environment and its children\'s start-up variables, production policy (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'worker.cjs': WORKER, 'child.cjs': CHILD, 'denied/.keep': '', 'ok/.keep': '' } });
  afterAll(() => removeProject(dir));
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    policy: writeOnlyInOkPolicy(dir, { rules: [
      { id: 'tools', action: 'process_spawn', target: ['**/bash', process.execPath], effect: 'allow' },
      { id: 'worker', action: 'worker_spawn', target: join(dir, 'worker.cjs'), effect: 'allow' },
    ] }),
  });
  const results = routeResults<Record<string, { error?: string; violation?: string; out?: string }>>(run);
  const bypasses = run.entries().filter((e) => e.action === 'process_spawn' && e.violation === 'runtime_bypass' && e.decision === 'deny');

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(REFUSED)('%s: refused as runtime_bypass, no ungoverned child wrote', (label, file) => {
    expect(results[label], JSON.stringify(results[label])).toMatchObject({ error: 'EGOVDENIED', violation: 'runtime_bypass' });
    expect(existsSync(join(dir, 'denied', file))).toBe(false);
  });

  it('each refusal is in the log', () => {
    expect(bypasses.length, JSON.stringify(bypasses)).toBe(REFUSED.length);
  });

  it('positive control: a worker with an ordinary extra variable starts a governed child, whose write is refused and logged', () => {
    expect(results['control: env FOO=1']).toEqual({ out: 'control EGOVDENIED' });
    expect(existsSync(join(dir, 'denied', 'control'))).toBe(false);
    expect(run.entries().some((e) => e.action === 'file_write' && e.target === join(dir, 'denied', 'control') && e.decision === 'deny')).toBe(true);
  });
});
