// A governed process started with flags Node refuses in a worker's execArgv (V8's `--max-old-space-size` and
// `--stack-size`, the per-process `--title`), as production containers often are, in the three launch modes. Governance
// starts every worker with its preload first in execArgv, followed, when the caller gave none, by the process's own
// flags; Node refused those and no worker could start (ERR_WORKER_INVALID_EXEC_ARGV) until 2026-11-23. They act on
// the whole process, which the worker shares, so they are left out as Node's own inheritance leaves them. The worker
// must start, keep the per-thread flags it inherits (`--enable-source-maps`), and stay governed (eval refused there).
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const FLAGS = ['--max-old-space-size=300', '--stack-size=1500', '--title=governed-worker-test', '--enable-source-maps'];

const FILES: Record<string, string> = {
  'worker.cjs': String.raw`
const { parentPort } = require('node:worker_threads');
let evalOutcome;
try { eval('1'); evalOutcome = 'ran'; } catch (e) { evalOutcome = e.code; }
parentPort.postMessage({ evalOutcome, sourceMaps: process.sourceMapsEnabled, execArgv: process.execArgv });
`,
  'app.js': String.raw`
const { Worker } = require('node:worker_threads');
const results = {};
function run(make) {
  return new Promise((resolve) => {
    let worker;
    try { worker = make(); } catch (e) { return resolve({ outcome: 'thrown', code: e.code, message: String(e.message) }); }
    worker.on('message', (m) => resolve({ outcome: 'ran', value: m }));
    worker.on('error', (e) => resolve({ outcome: 'error', code: e.code, message: String(e.message) }));
  });
}
(async () => {
  results.inherited = await run(() => new Worker('./worker.cjs'));
  results.explicit = await run(() => new Worker('./worker.cjs', { execArgv: ['--enable-source-maps'] }));
  console.log('RESULTS ' + JSON.stringify(results));
  process.exit(0);
})();
`,
};

const POLICY = {
  level: 'production',
  default: 'deny',
  rules: [
    { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
    { id: 'worker', action: 'worker_spawn', target: '**/worker.cjs', effect: 'allow' },
  ],
};

describe.each(LAUNCH_MODES)('workers of a process started with process-wide flags (%s)', (mode) => {
  const dir = createProject({ policy: POLICY, files: FILES });
  afterAll(() => removeProject(dir));
  const run = governedRun({ dir, entry: 'app.js', mode, nodeFlags: FLAGS });
  const results = (): Record<string, { outcome: string; code?: string; value?: { evalOutcome: string; sourceMaps: boolean; execArgv: string[] } }> => routeResults(run);

  it('a worker given no execArgv starts, inherits --enable-source-maps, and is governed', () => {
    const inherited = results().inherited;
    expect(inherited, JSON.stringify(inherited)).toMatchObject({ outcome: 'ran', value: { evalOutcome: 'EGOVDENIED', sourceMaps: true } });
    expect(inherited.value!.execArgv).not.toContain('--max-old-space-size=300');
  });

  it('a worker given its own execArgv starts governed too', () => {
    expect(results().explicit).toMatchObject({ outcome: 'ran', value: { evalOutcome: 'EGOVDENIED' } });
  });

  it('the eval refusals are in the audit log', () => {
    expect(run.entries().filter((e) => e.action === 'code_eval' && e.target === 'eval' && e.decision === 'deny').length).toBe(2);
  });
});
