// A worker's own loader flags under a production policy, in the three launch modes. `execArgv: ['--experimental-loader',
// './hooks.mjs']` (or `--loader`, the `=` and `_` spellings, an object whose toString says so) installs loader hooks in
// the worker, which hand Node any source for any module it loads: code generated from a string, as `module.register`
// does (decided as code_eval:module-compile). On Node 22-26 the worker ran the generated source with no decision until
// 2026-11-23 (the source writes `ok/<label>` to prove it ran). Each attempt must be refused, no marker may appear and
// the refusal must be in the audit log. Positive control: an allowed worker given other flags still runs.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const FILES: Record<string, string> = {
  'target.cjs': 'require("node:worker_threads").parentPort.postMessage("original target");\n',
  'pre.cjs': 'globalThis.PRELOADED = true;\n',
  'hooks.mjs': String.raw`
import { workerData } from 'node:worker_threads';
export async function load(url, context, nextLoad) {
  if (!url.endsWith('/target.cjs')) return nextLoad(url, context);
  const source = ['require("node:fs").writeFileSync(require("node:path").join(process.cwd(), "ok", "gen-" + require("node:worker_threads").workerData), "generated");',
    'require("node:worker_threads").parentPort.postMessage("generated source ran");'].join('\n');
  return { format: 'commonjs', source, shortCircuit: true };
}
`,
  'app.js': String.raw`
const { Worker } = require('node:worker_threads');
const results = {};
function run(worker) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => { worker.terminate(); resolve({ outcome: 'timeout' }); }, 8000);
    worker.on('message', (m) => { clearTimeout(timer); resolve({ outcome: 'ran', value: m }); });
    worker.on('error', (e) => { clearTimeout(timer); resolve({ outcome: 'error', code: e.code, message: String(e.message) }); });
    worker.on('exit', (code) => { clearTimeout(timer); resolve({ outcome: 'exited', value: code }); });
  });
}
async function attempt(label, execArgv) {
  try { results[label] = await run(new Worker('./target.cjs', { execArgv, workerData: label })); }
  catch (e) { results[label] = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
}
(async () => {
  await attempt('--experimental-loader', ['--experimental-loader', './hooks.mjs']);
  await attempt('--experimental-loader=', ['--experimental-loader=./hooks.mjs']);
  await attempt('--loader', ['--loader', './hooks.mjs']);
  await attempt('--experimental_loader', ['--experimental_loader', './hooks.mjs']);
  await attempt('object flag', [{ toString() { return '--experimental-loader=./hooks.mjs'; } }]);
  process.execArgv.push('--experimental-loader', './hooks.mjs');
  await attempt('process.execArgv', undefined);
  process.execArgv.splice(-2);
  await attempt('control', ['--require', './pre.cjs']);
  console.log('RESULTS ' + JSON.stringify(results));
})();
`,
};

const POLICY = {
  level: 'production',
  default: 'deny',
  rules: [
    { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
    { id: 'worker', action: 'worker_spawn', target: '**/target.cjs', effect: 'allow' },
    { id: 'out', action: 'file_write', target: '**/ok/**', effect: 'allow' },
  ],
};

const REFUSED = ['--experimental-loader', '--experimental-loader=', '--loader', '--experimental_loader', 'object flag'];

describe.each(LAUNCH_MODES)('worker loader flags, production policy (%s)', (mode) => {
  const dir = createProject({ policy: POLICY, files: { ...FILES, 'ok/.keep': '' } });
  afterAll(() => removeProject(dir));
  const run = governedRun({ dir, entry: 'app.js', mode, timeoutMs: 60_000 });
  const results = (): Record<string, { outcome: string; code?: string; value?: unknown }> => routeResults(run);

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(REFUSED)('%s is refused before the worker starts, and no generated source ran', (label) => {
    expect(results()[label], label).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(existsSync(join(dir, 'ok', `gen-${label}`)), label).toBe(false);
  });

  it('records each refusal as a denied code_eval:module-compile', () => {
    const denials = run.entries().filter((e) => e.action === 'code_eval' && e.target === 'module-compile' && e.decision === 'deny');
    expect(denials.length).toBeGreaterThanOrEqual(REFUSED.length);
  });

  // A worker given no execArgv inherits the flags this process started with, as in plain Node (which never reads
  // process.execArgv for it): a loader flag the program pushed onto process.execArgv was handed to the worker as an
  // inherited flag, not decided, and the generated source ran (Node 22-26) until 2026-11-23. Now it never reaches the
  // worker, so there is nothing to refuse: the worker runs its own code.
  it('a loader flag pushed onto process.execArgv does not reach a worker that inherits', () => {
    expect(results()['process.execArgv']).toEqual({ outcome: 'ran', value: 'original target' });
    expect(existsSync(join(dir, 'ok', 'gen-process.execArgv'))).toBe(false);
  });

  it('positive control: an allowed worker given other flags still runs its own code', () => {
    expect(results().control).toEqual({ outcome: 'ran', value: 'original target' });
  });
});
