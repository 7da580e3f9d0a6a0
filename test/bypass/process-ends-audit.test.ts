// Ends of a process that emit no 'exit' event must not drop the audit entries queued since the last commit.
//
// process.execve (Node 22.15+) replaces the process with another program: no 'exit' event, no exit handler, so the
// audit entries queued since the last commit were dropped with the old image. Allowed actions are committed in groups
// (a denial is durable at once), so a program that wrote its files and then replaced itself left a log without those
// writes and without the execve itself (Node 22-26, until 2026-11-23). Under a production policy, in the three launch
// modes: every allowed write made just before the execve, and the allowed process_spawn of the new program, must be
// in the log, and the log must still verify. Skipped where Node has no process.execve (Node 20).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject, verifyProjectLog, writeOnlyInOkPolicy } from '../helpers/governed-run';

const APP = String.raw`
const fs = require('node:fs'), path = require('node:path');
for (let i = 0; i < 5; i++) fs.writeFileSync(path.join(process.cwd(), 'ok', 'before-' + i), 'x');
process.execve('/bin/sh', ['sh', '-c', 'echo replaced > ok/replaced'], { PATH: '/usr/bin:/bin' });
`;

const HAS_EXECVE = typeof (process as { execve?: unknown }).execve === 'function';

describe.skipIf(!HAS_EXECVE)('what a process did before process.execve stays in the log', () => {
  describe.each(LAUNCH_MODES)('production policy (%s)', (mode) => {
    const dir = createProject({ files: { 'app.cjs': APP, 'ok/.keep': '' } });
    afterAll(() => removeProject(dir));
    const run = governedRun({
      dir,
      mode,
      entry: 'app.cjs',
      policy: writeOnlyInOkPolicy(dir, { rules: [{ id: 'shell', action: 'process_spawn', target: ['/bin/sh', '/usr/bin/sh', '/bin/dash', '/usr/bin/dash', '/bin/bash', '/usr/bin/bash', 'echo'], effect: 'allow' }] }),
    });
    const entries = run.entries();

    it('the new program ran', () => {
      expect(run.status, run.stderr).toBe(0);
      expect(readFileSync(join(dir, 'ok', 'replaced'), 'utf8')).toBe('replaced\n');
    });

    it('each write made just before the execve is in the log', () => {
      for (let i = 0; i < 5; i++) {
        expect(entries.some((e) => e.action === 'file_write' && e.target === join(dir, 'ok', `before-${i}`) && e.decision === 'allow'), `before-${i}`).toBe(true);
      }
    });

    it('the execve itself is in the log, and the log verifies', () => {
      expect(entries.some((e) => e.action === 'process_spawn' && e.decision === 'allow')).toBe(true);
      expect(verifyProjectLog(dir).valid).toBe(true);
    });
  });
});

// A SIGKILL a process sends its own process group (`process.kill(-pgid, 'SIGKILL')`, or -1 for every process of the
// user) ends it at once, like one sent to its own pid, which commits the queue first; a negative pid did not, and the
// writes made just before it were not in the log (every line, until 2026-11-23). Run in a detached governed child, a
// process group of its own, so that the signal reaches nothing else.
const GROUP_LEADER = String.raw`
const fs = require('node:fs'), path = require('node:path');
for (let i = 0; i < 5; i++) fs.writeFileSync(path.join(process.cwd(), 'ok', 'before-kill-' + i), 'x');
process.kill(-process.pid, 'SIGKILL');
`;

const GROUP_APP = String.raw`
const cp = require('node:child_process');
const child = cp.spawn(process.execPath, ['leader.cjs'], { detached: true, stdio: 'ignore' });
child.on('exit', (code, signal) => { console.log('LEADER ' + signal); });
`;

describe.each(LAUNCH_MODES)('a SIGKILL to its own process group, production policy (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': GROUP_APP, 'leader.cjs': GROUP_LEADER, 'ok/.keep': '' } });
  afterAll(() => removeProject(dir));
  const run = governedRun({ dir, mode, entry: 'app.cjs', policy: writeOnlyInOkPolicy(dir, { rules: [{ id: 'node', action: 'process_spawn', target: '**/node', effect: 'allow' }] }) });

  it('the group leader wrote its files and was killed by its own signal', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('LEADER SIGKILL');
    expect(existsSync(join(dir, 'ok', 'before-kill-4'))).toBe(true);
  });

  it('each write it made just before the signal is in the log', () => {
    const entries = run.entries();
    for (let i = 0; i < 5; i++) {
      expect(entries.some((e) => e.action === 'file_write' && e.target === join(dir, 'ok', `before-kill-${i}`) && e.decision === 'allow'), `before-kill-${i}`).toBe(true);
    }
  });
});

// Removing governance's 'exit' listener. Allowed entries wait for a group commit on an unref'd timer, and at exit for
// that listener; a program that removed it (`process.removeAllListeners('exit')`, or `process._events`) and then ended
// left every allowed action since the last commit out of the log (every line, until 2026-11-23). Positive control: a
// library that wraps process.emit (as signal-exit does) still gets its exit event, and its handler's write is logged.
const REMOVERS = String.raw`
const fs = require('node:fs'), path = require('node:path');
const [variant] = process.argv.slice(2);
if (variant === 'removeAllListeners') process.removeAllListeners('exit');
if (variant === '_events') delete process._events.exit;
if (variant === 'emit wrapper') {
  const original = process.emit;
  process.emit = function (event, ...rest) {
    if (event === 'exit') fs.writeFileSync(path.join(process.cwd(), 'ok', variant + '-handler'), 'x');
    return original.call(this, event, ...rest);
  };
}
for (let i = 0; i < 5; i++) fs.writeFileSync(path.join(process.cwd(), 'ok', variant + '-' + i), 'x');
if (variant === 'process.exit') { process.removeAllListeners('exit'); process.exit(0); }
`;

describe.each(LAUNCH_MODES)('the exit listener removed, production policy (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': REMOVERS, 'ok/.keep': '' } });
  afterAll(() => removeProject(dir));
  const variants = ['removeAllListeners', '_events', 'process.exit', 'emit wrapper'];
  const runs = variants.map((variant) => governedRun({ dir, mode, entry: 'app.cjs', args: [variant], policy: writeOnlyInOkPolicy(dir) }));

  it.each(variants.map((variant, i) => [variant, i] as const))('%s: each write is in the log', (variant, i) => {
    expect(runs[i].status, runs[i].stderr).toBe(0);
    const entries = runs[i].entries();
    for (let n = 0; n < 5; n++) {
      expect(entries.some((e) => e.action === 'file_write' && e.target === join(dir, 'ok', `${variant}-${n}`) && e.decision === 'allow'), `${variant}-${n}`).toBe(true);
    }
  });

  it('positive control: a library wrapping process.emit still gets its exit event, and its write is logged', () => {
    expect(existsSync(join(dir, 'ok', 'emit wrapper-handler'))).toBe(true);
    expect(runs[3].entries().some((e) => e.target === join(dir, 'ok', 'emit wrapper-handler') && e.decision === 'allow')).toBe(true);
    expect(verifyProjectLog(dir).valid).toBe(true);
  });
});

// --abort-on-uncaught-exception: an uncaught exception aborts the process from C++, with no 'exit' event. A child
// given the flag made its allowed writes and threw, and none of them was in the log (every line, until 2026-11-23).
const ABORTING_CHILD = String.raw`
const fs = require('node:fs'), path = require('node:path');
for (let i = 0; i < 5; i++) fs.writeFileSync(path.join(process.cwd(), 'ok', process.argv[2] + '-' + i), 'x');
throw new Error('uncaught');
`;

const ABORT_APP = String.raw`
const cp = require('node:child_process');
cp.spawnSync(process.execPath, ['--abort-on-uncaught-exception', 'child.cjs', 'argument'], { stdio: 'ignore' });
cp.spawnSync(process.execPath, ['child.cjs', 'node-options'], { stdio: 'ignore', env: { ...process.env, NODE_OPTIONS: '--abort_on_uncaught_exception' } });
`;

describe.each(LAUNCH_MODES)('a child that aborts on an uncaught exception, production policy (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': ABORT_APP, 'child.cjs': ABORTING_CHILD, 'ok/.keep': '' } });
  afterAll(() => removeProject(dir));
  const run = governedRun({ dir, mode, entry: 'app.cjs', policy: writeOnlyInOkPolicy(dir, { rules: [{ id: 'node', action: 'process_spawn', target: '**/node', effect: 'allow' }] }) });

  it.each(['argument', 'node-options'])('the flag given as %s: the child wrote its files, and each write is in the log', (variant) => {
    expect(run.status, run.stderr).toBe(0);
    expect(existsSync(join(dir, 'ok', `${variant}-4`))).toBe(true);
    const entries = run.entries();
    for (let n = 0; n < 5; n++) {
      expect(entries.some((e) => e.action === 'file_write' && e.target === join(dir, 'ok', `${variant}-${n}`) && e.decision === 'allow'), `${variant}-${n}`).toBe(true);
    }
  });
});

// An 'exit' listener put before governance's that throws, or a process.emit that drops 'exit', throws on Node's
// 'beforeExit' emit or is no function. Node emits 'exit' once: a listener that throws ends that emit, an assigned
// process.emit decides whether listeners run at all, and one that throws on Node's earlier emits ends the process with
// no 'exit' emit. Each way governance's listener, which closed the log, never ran, and every allowed write the program had made was missing
// from the log (every line, until 2026-11-23; the entries never reached the disk). Positive control: a process.emit
// that passes 'exit' on still runs the program's own 'exit' listener, whose write is logged.
const EXIT_SUPPRESSORS = String.raw`
const fs = require('node:fs'), path = require('node:path');
const [variant] = process.argv.slice(2);
const mark = (name) => fs.writeFileSync(path.join(process.cwd(), 'ok', name), 'x');
if (variant === 'throwing prepended listener') process.prependListener('exit', () => { throw new Error('ended the exit emit'); });
if (variant === 'reordered _events') {
  process.on('exit', () => { throw new Error('ended the exit emit'); });
  const listeners = [].concat(process._events.exit);
  process._events.exit = [listeners[listeners.length - 1], ...listeners.slice(0, -1)];
}
if (variant === 'emit dropping exit') {
  const original = process.emit;
  process.emit = function (event, ...rest) { return event === 'exit' ? false : original.call(this, event, ...rest); };
}
if (variant === 'emit throwing on beforeExit') {
  const original = process.emit;
  process.emit = function (event, ...rest) {
    if (event === 'beforeExit' || event === 'uncaughtExceptionMonitor') throw new Error('ended the process');
    return original.call(this, event, ...rest);
  };
}
if (variant === 'emit not a function') process.emit = undefined;
if (variant === 'emit restored') {
  const original = process.emit;
  process.emit = function (event, ...rest) { return original.call(this, event, ...rest); };
  process.emit = original;
  process.on('exit', () => mark(variant + '-listener'));
}
for (let i = 0; i < 5; i++) mark(variant + '-' + i);
`;

describe.each(LAUNCH_MODES)('an exit emit the program ends or drops, production policy (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': EXIT_SUPPRESSORS, 'ok/.keep': '' } });
  afterAll(() => removeProject(dir));
  const variants = ['throwing prepended listener', 'reordered _events', 'emit dropping exit', 'emit throwing on beforeExit', 'emit not a function', 'emit restored'];
  const runs = variants.map((variant) => governedRun({ dir, mode, entry: 'app.cjs', args: [variant], policy: writeOnlyInOkPolicy(dir) }));

  it.each(variants.map((variant, i) => [variant, i] as const))('%s: the program wrote its files, and each write is in the log', (variant, i) => {
    expect(existsSync(join(dir, 'ok', `${variant}-4`)), runs[i].stderr).toBe(true);
    const entries = runs[i].entries();
    for (let n = 0; n < 5; n++) {
      expect(entries.some((e) => e.action === 'file_write' && e.target === join(dir, 'ok', `${variant}-${n}`) && e.decision === 'allow'), `${variant}-${n}`).toBe(true);
    }
  });

  it('positive control: with process.emit assigned and restored, the program\'s own exit listener runs once and is logged', () => {
    expect(runs[5].status, runs[5].stderr).toBe(0);
    expect(runs[5].entries().filter((e) => e.target === join(dir, 'ok', 'emit restored-listener') && e.decision === 'allow')).toHaveLength(1);
    expect(verifyProjectLog(dir).valid).toBe(true);
  });
});
