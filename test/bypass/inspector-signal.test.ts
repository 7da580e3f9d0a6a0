// SIGUSR1 sent by a program that is not Node. Node's own C++ handler opens the inspector on SIGUSR1 (a code-evaluation
// channel into every closure, on 127.0.0.1:9229); a governed process refuses to send it (process.kill, ChildProcess#kill),
// but an allowed non-Node child could: `kill -USR1 <pid>`, or a shell's `kill -USR1 $PPID`, opened the governed
// process's inspector, and that of a governed node child (every line, until 2026-11-23). Under a production policy that
// allows `kill` and `sh`, in the three launch modes, no inspector may open, the process must go on running, and each
// signal must be in the log as a runtime_bypass. Positive control: the kill itself ran.
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, describeEachModeIf, governedRun, LAUNCH_MODES, readOnlyPolicy, removeProject } from '../helpers/governed-run';
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

const HAS_DISABLE_SIGUSR1 = process.allowedNodeEnvironmentFlags.has('--disable-sigusr1');

const POLICY = (dir: string) => readOnlyPolicy(dir, [
  { id: 'tools', action: 'process_spawn', target: ['**/kill', '**/sh', process.execPath], effect: 'allow' },
]);

describe.each(LAUNCH_MODES)('SIGUSR1 from a program that is not Node, production policy (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'waiter.cjs': WAITER } });
  afterAll(() => removeProject(dir));
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    policy: POLICY(dir),
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
    // A child started with --disable-sigusr1 (below) has the signal blocked: nothing reaches it to record.
    expect(signals.length, JSON.stringify(signals)).toBe(HAS_DISABLE_SIGUSR1 ? 2 : 3);
    for (const entry of signals) expect(entry).toMatchObject({ decision: 'deny', violation: 'runtime_bypass' });
  });
});

// A governed node child holds SIGUSR1 only once its preload has run; before that Node's handler was there, and a
// signal sent in those moments (an allowed `sh` looping `kill -USR1 <pid>` from the spawn on) opened the child's
// inspector (Node 22.14+, where `--disable-sigusr1` exists, until 2026-11-23). With the flag Node blocks the signal
// from its start: the child lives on, or dies of a signal that came before Node blocked it (its default action, as
// in plain Node with the flag); either way no inspector opens. A blocked signal is never delivered, so there is
// nothing for the child to record: what the log must show is the spawn of the child and of the tool, allowed.
const STARTUP_APP = String.raw`
const cp = require('node:child_process');
const child = cp.spawn(process.execPath, ['waiter.cjs'], { stdio: ['ignore', 'pipe', 'pipe'] });
let out = '', err = '';
child.stdout.on('data', (chunk) => { out += chunk; });
child.stderr.on('data', (chunk) => { err += chunk; });
const spam = cp.spawn('sh', ['spam.sh', String(child.pid)]);
child.on('close', (code, signal) => {
  spam.kill();
  console.log('RESULTS ' + JSON.stringify({ out, err, code, signal }));
});
`;

// Signals the pid for about a second, from the spawn on (kill is a builtin of sh).
const SPAM = 'i=0; while [ $i -lt 20000 ]; do kill -USR1 "$1" 2>/dev/null; i=$((i+1)); done\n';

describeEachModeIf(HAS_DISABLE_SIGUSR1, 'SIGUSR1 to a governed node child as it starts, production policy (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': STARTUP_APP, 'waiter.cjs': WAITER, 'spam.sh': SPAM } });
  afterAll(() => removeProject(dir));
  const runs = [0, 1, 2].map(() => governedRun({ dir, mode, entry: 'app.cjs', policy: POLICY(dir) }));

  it('ran to completion', () => {
    for (const run of runs) {
      expect(run.status, run.stderr).toBe(0);
      routeResults(run);
    }
  });

  it('the child\'s inspector never opened', () => {
    for (const run of runs) {
      const child = routeResults<{ out: string; err: string; code: number | null; signal: string | null }>(run);
      expect(child.err, JSON.stringify(child)).not.toMatch(/Debugger listening|inspector/i);
      expect(child.out, JSON.stringify(child)).not.toMatch(/ws:/);
    }
  });

  it('the child ran, or died of the signal (positive control: the signals were sent), and the log has both spawns', () => {
    for (const run of runs) {
      const child = routeResults<{ out: string; code: number | null; signal: string | null }>(run);
      expect(child.signal === 'SIGUSR1' || (child.code === 0 && child.out === 'ready\ninspector undefined\n'), JSON.stringify(child)).toBe(true);
      const spawns = run.entries().filter((e) => e.action === 'process_spawn' && e.decision === 'allow').map((e) => e.target);
      expect(spawns).toEqual(expect.arrayContaining([process.execPath, expect.stringMatching(/\/sh$/)]));
    }
  });
});
