// SIGUSR1 sent by a program that is not Node. Node's own C++ handler opens the inspector on SIGUSR1 (a code-evaluation
// channel into every closure, on 127.0.0.1:9229); a governed process refuses to send it (process.kill, ChildProcess#kill),
// but an allowed non-Node child could: `kill -USR1 <pid>`, or a shell's `kill -USR1 $PPID`, opened the governed
// process's inspector, and that of a governed node child (every line, until 2026-11-23). Under a production policy that
// allows `kill` and `sh`, in the three launch modes, no inspector may open, the process must go on running, and each
// signal must be in the log as a runtime_bypass. Positive control: the kill itself ran.
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, readOnlyPolicy, removeProject } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const cp = require('node:child_process'), inspector = require('node:inspector');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const results = {};
(async () => {
  results.kill = String(cp.spawnSync('kill', ['-USR1', String(process.pid)]).status);
  await sleep(300); // Node starts the inspector on a later turn
  results.afterKill = String(inspector.url());
  results.shell = String(cp.spawnSync('sh', ['-c', 'kill -USR1 $PPID']).status);
  await sleep(300);
  results.afterShell = String(inspector.url());
  // A governed node child, signalled once it runs: it prints its own inspector's url.
  const child = cp.spawn(process.execPath, ['waiter.cjs'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  child.stdout.on('data', (chunk) => { out += chunk; });
  child.stderr.on('data', (chunk) => { err += chunk; });
  await new Promise((resolve) => child.stdout.once('data', resolve));
  results.killChild = String(cp.spawnSync('kill', ['-USR1', String(child.pid)]).status);
  await new Promise((resolve) => child.on('close', resolve));
  results.child = out.trim();
  results.childStderr = err;
  console.log('RESULTS ' + JSON.stringify(results));
})();
`;

const WAITER = String.raw`
process.stdout.write('ready\n');
setTimeout(() => process.stdout.write('inspector ' + require('node:inspector').url() + '\n'), 500);
`;

describe.each(LAUNCH_MODES)('SIGUSR1 from a program that is not Node, production policy (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'waiter.cjs': WAITER } });
  afterAll(() => removeProject(dir));
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    policy: readOnlyPolicy(dir, [
      { id: 'tools', action: 'process_spawn', target: ['**/kill', '**/sh', process.execPath], effect: 'allow' },
    ]),
  });
  const results = routeResults<Record<string, string>>(run);
  const signals = run.entries().filter((e) => e.action === 'code_eval' && e.target === 'inspector:SIGUSR1');

  it('ran to completion, and the kills ran (positive control)', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(results).toMatchObject({ kill: '0', shell: '0', killChild: '0' });
  });

  it('no inspector opened, in the process or its governed child', () => {
    expect(results.afterKill).toBe('undefined');
    expect(results.afterShell).toBe('undefined');
    expect(results.child).toBe('ready\ninspector undefined');
    expect(run.stderr + results.childStderr).not.toMatch(/Debugger listening/);
  });

  it('each signal is in the log as a runtime_bypass denial', () => {
    expect(signals.length, JSON.stringify(signals)).toBe(3);
    for (const entry of signals) expect(entry).toMatchObject({ decision: 'deny', violation: 'runtime_bypass' });
  });
});
