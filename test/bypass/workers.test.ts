// worker_threads under a production policy, in the three launch modes. Denied workers (a script path,
// a file URL, `eval: true`, a data: URL, a subclass, Reflect.construct, the prototype's constructor)
// are refused before any code runs: the worker would print `WORKER-RAN:<label>`. An allowed worker
// started with `execArgv: []`, `env: {}` or an env pointing MLTRAINER_GOVERNANCE_CONFIG at a
// permissive policy still runs governed: inside it eval and a denied builtin are refused and recorded.
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, readOnlyPolicy, removeProject } from '../helpers/governed-run';
import { printedResults } from '../helpers/route-results';

const APP = String.raw`
const { Worker, SHARE_ENV } = require('node:worker_threads');
const path = require('node:path'), { pathToFileURL } = require('node:url');
const here = process.cwd();
const results = {};
const evil = path.join(here, 'evil-worker.cjs');
function run(worker) {
  return new Promise((resolve) => {
    worker.on('message', (m) => resolve({ outcome: 'ran', value: m }));
    worker.on('error', (e) => resolve({ outcome: 'error', code: e.code, message: String(e.message) }));
    worker.on('exit', (code) => resolve({ outcome: 'exited', value: code }));
  });
}
async function attempt(label, fn) {
  try { results[label] = await run(fn(label)); }
  catch (e) { results[label] = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
}
const code = (label) => "process.stdout.write('WORKER-RAN:" + label + "\\n'); require('node:worker_threads').parentPort.postMessage('ran')";
(async () => {
  await attempt('script path', () => new Worker(evil));
  await attempt('relative script path', () => new Worker('./evil-worker.cjs'));
  await attempt('file URL', () => new Worker(pathToFileURL(evil)));
  await attempt('eval: true', (l) => new Worker(code(l), { eval: true }));
  await attempt('eval with execArgv []', (l) => new Worker(code(l), { eval: true, execArgv: [] }));
  await attempt('data: URL', (l) => new Worker(new URL('data:text/javascript,' + encodeURIComponent("process.stdout.write('WORKER-RAN:" + l + "\\n')"))));
  await attempt('subclass', () => { class W extends Worker {} return new W(evil); });
  await attempt('Reflect.construct', () => Reflect.construct(Worker, [evil]));
  await attempt('prototype constructor', () => new Worker.prototype.constructor(evil));
  await attempt('URL-like object with a lying href', () => {
    let reads = 0;
    return new Worker({ get href() { return reads++ === 0 ? pathToFileURL(path.join(here, 'ok-worker.cjs')).href : pathToFileURL(evil).href; }, protocol: 'file:', pathname: evil, toString() { return this.href; } });
  });
  // Code that is also a path to the allowed script ('<code>;//../ok-worker.cjs' resolves to it), and an eval option
  // that only Node sees: inherited, false when governance reads it. Node must start the checked path, which it
  // refuses (ERR_WORKER_PATH), and not run the string as code. (The marker is split: Node's error quotes the path.)
  await attempt('inherited eval', (l) => {
    let reads = 0;
    Object.defineProperty(Object.prototype, 'eval', { configurable: true, get: () => ++reads > 1 });
    try { return new Worker("process.stdout.write('WORKER' + '-RAN:" + l + "\\n');//../ok-worker.cjs", {}); } finally { delete Object.prototype.eval; }
  });
  for (const [label, options] of [
    ['governed with execArgv []', { execArgv: [] }],
    ['governed with env {}', { env: {} }],
    ['governed with a permissive config in env', { env: { MLTRAINER_GOVERNANCE_CONFIG: path.join(here, 'permissive.json'), MLTRAINER_ENFORCEMENT_LEVEL: 'development' } }],
    ['governed with SHARE_ENV', { env: SHARE_ENV }],
  ]) await attempt(label, () => new Worker(path.join(here, 'ok-worker.cjs'), options));
  {
    // Setters on Object.prototype that swallow the governance variables, and a permissive config in the directory the
    // worker starts from: the worker must still get this process's config.
    const label = 'governed when Object.prototype setters swallow its config variables';
    const names = ['MLTRAINER_GOVERNANCE_CONFIG', 'MLTRAINER_ENFORCEMENT_LEVEL', 'MLTRAINER_GOVERNED_PARENT'];
    for (const name of names) Object.defineProperty(Object.prototype, name, { configurable: true, set() {}, get() { return undefined; } });
    process.chdir(path.join(here, 'elsewhere'));
    try { results[label] = await run(new Worker(path.join(here, 'ok-worker.cjs'), { env: {} })); }
    catch (e) { results[label] = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
    finally { process.chdir(here); for (const name of names) delete Object.prototype[name]; }
  }
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
})();
`;

const OK_WORKER = String.raw`
const { parentPort } = require('node:worker_threads');
const report = {};
try { require('node:child_process'); report.childProcess = 'loaded'; } catch (e) { report.childProcess = e.code; }
try { eval("process.stdout.write('WORKER-RAN:eval inside\\n')"); report.eval = 'ran'; } catch (e) { report.eval = e.code; }
report.sum = [1, 2, 3].reduce((a, b) => a + b, 0);
parentPort.postMessage(report);
`;

const PERMISSIVE = { level: 'development', default: 'allow', stateDir: '.governance-permissive', rules: [] };

interface Outcome {
  outcome: string;
  code?: string;
  value?: unknown;
  message?: string;
}

const DENIED: Record<string, string> = {
  'script path': '<dir>/evil-worker.cjs',
  'relative script path': '<dir>/evil-worker.cjs',
  'file URL': '<dir>/evil-worker.cjs',
  'eval: true': 'eval',
  'eval with execArgv []': 'eval',
  'data: URL': 'eval',
  subclass: '<dir>/evil-worker.cjs',
  'Reflect.construct': '<dir>/evil-worker.cjs',
  'prototype constructor': '<dir>/evil-worker.cjs',
};

/** Checked as the allowed script and started as exactly that script (it reports like the governed ones). */
const LYING_URL = 'URL-like object with a lying href';

const GOVERNED = ['governed with execArgv []', 'governed with env {}', 'governed with a permissive config in env', 'governed with SHARE_ENV', 'governed when Object.prototype setters swallow its config variables'];

describe.each(LAUNCH_MODES)('worker_spawn under a production policy (%s)', (mode) => {
  const dir = createProject({
    files: {
      'app.cjs': APP,
      'evil-worker.cjs': "process.stdout.write('WORKER-RAN:evil-worker\\n'); require('node:worker_threads').parentPort.postMessage('ran');\n",
      'ok-worker.cjs': OK_WORKER,
      'permissive.json': JSON.stringify(PERMISSIVE),
      'elsewhere/governance.config.json': JSON.stringify(PERMISSIVE),
    },
  });
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    policy: readOnlyPolicy(dir, [
      { id: 'no-spawn', action: 'module_load', target: 'node:child_process', effect: 'deny' },
      { id: 'ok-worker', action: 'worker_spawn', target: `${dir}/ok-worker.cjs`, effect: 'allow' },
    ]),
  });
  const outcomes = printedResults<Record<string, Outcome>>(run);
  const entries = run.entries();
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(Object.entries(DENIED))('%s is refused as worker_spawn:%s before the worker runs', (label, rawTarget) => {
    const target = rawTarget.replace('<dir>', dir);
    expect(outcomes[label], JSON.stringify(outcomes)).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(outcomes[label].message).toContain(`worker_spawn:${target}`);
    expect(entries.some((e) => e.action === 'worker_spawn' && e.target === target && e.decision === 'deny')).toBe(true);
  });

  it.each(GOVERNED)('%s: the allowed worker runs, and runs governed', (label) => {
    expect(outcomes[label], JSON.stringify(outcomes)).toEqual({ outcome: 'ran', value: { childProcess: 'EGOVDENIED', eval: 'EGOVDENIED', sum: 6 } });
  });

  it('the workers recorded their own denials in the same audit log', () => {
    const inWorkers = entries.filter((e) => e.decision === 'deny' && ((e.action === 'module_load' && e.target === 'node:child_process') || (e.action === 'code_eval' && e.target === 'eval')));
    expect(inWorkers.length).toBeGreaterThanOrEqual(2 * GOVERNED.length);
    // + the lying URL's check, + the inherited-eval attempt's check of the path its string names
    expect(entries.filter((e) => e.action === 'worker_spawn' && e.decision === 'allow').length).toBe(GOVERNED.length + 2);
  });

  it('a URL-like filename is read once: the checked script is the one that runs', () => {
    expect(outcomes[LYING_URL], JSON.stringify(outcomes)).toEqual({ outcome: 'ran', value: { childProcess: 'EGOVDENIED', eval: 'EGOVDENIED', sum: 6 } });
  });

  it('an inherited eval option does not turn the checked script path into code', () => {
    expect(outcomes['inherited eval'], JSON.stringify(outcomes['inherited eval'])).toMatchObject({ outcome: 'thrown', code: 'ERR_WORKER_PATH' });
  });

  it('no denied worker ran any code', () => {
    expect(run.stdout).not.toContain('WORKER-RAN:');
  });
});
