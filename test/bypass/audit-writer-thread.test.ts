// Program code run by the audit writer inside a decision (production policy, three launch modes). The writer moves
// to a thread of its own after 4096 entries, starting it from inside the decision that queued the 4096th, and a
// denial then waits for the thread's commit. Until 2026-11-23 that wait read `threadId` through Worker.prototype,
// and the thread's options were an ordinary object whose missing fields Node looks up on Object.prototype: a getter
// the program put there ran inside the decision, where the kernel lets calls through as governance's own, and a
// write it made to a denied directory went through. The denied directory must stay empty.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject, writeOnlyInOkPolicy } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const fs = require('node:fs'), path = require('node:path');
const { Worker } = require('node:worker_threads');
const [variant] = process.argv.slice(2);
const D = path.join(__dirname, 'denied'), OK = path.join(__dirname, 'ok');
let inside = false, hits = 0;
const evil = () => { if (inside) return; inside = true; hits++; try { fs.writeFileSync(path.join(D, variant), 'x'); } catch {} finally { inside = false; } };
const undo = [];
if (variant === 'options') {
  for (const key of ['resourceLimits', 'stdin', 'stdout', 'stderr', 'name', 'argv', 'trackUnmanagedFds']) {
    Object.defineProperty(Object.prototype, key, { configurable: true, get() { evil(); return undefined; } });
    undo.push(() => delete Object.prototype[key]);
  }
}
for (let i = 0; i < 5000; i++) fs.writeFileSync(path.join(OK, 'warm' + (i % 5)), 'x'); // the writer thread starts
if (variant === 'threadId') {
  let proto = Worker.prototype;
  while (!Object.getOwnPropertyDescriptor(proto, 'threadId')) proto = Object.getPrototypeOf(proto);
  const saved = Object.getOwnPropertyDescriptor(proto, 'threadId');
  Object.defineProperty(proto, 'threadId', { configurable: true, get() { evil(); return saved.get.call(this); } });
  undo.push(() => Object.defineProperty(proto, 'threadId', saved));
}
setTimeout(() => {
  let trigger;
  try { fs.writeFileSync(path.join(D, 'trigger'), 'x'); trigger = 'written'; } catch (e) { trigger = e && e.code; }
  for (const u of undo) u();
  let allowed;
  try { fs.writeFileSync(path.join(OK, 'after'), 'x'); allowed = 'written'; } catch (e) { allowed = e && e.code; }
  process.stdout.write('RESULTS ' + JSON.stringify({ trigger, allowed, denied: fs.readdirSync(D) }) + '\n');
}, 300);
`;

describe.each(LAUNCH_MODES)('program getters reached by the audit writer thread (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'denied/.keep': '', 'ok/.keep': '' } });
  const policy = writeOnlyInOkPolicy(dir);
  afterAll(() => removeProject(dir));

  it.each(['threadId', 'options'])('a getter for %s writes nothing, and the denial is recorded', (variant) => {
    const run = governedRun({ dir, mode, entry: 'app.cjs', policy, args: [variant], timeoutMs: 120_000 });
    expect(run.status, run.stderr).toBe(0);
    const results = routeResults<{ trigger: string; allowed: string; denied: string[] }>(run);
    expect(existsSync(join(dir, 'denied', variant))).toBe(false);
    expect(readdirSync(join(dir, 'denied'))).toEqual(['.keep']);
    expect(results.trigger).toBe('EGOVDENIED');
    expect(run.entries().some((e) => e.target === join(dir, 'denied', 'trigger') && e.decision === 'deny')).toBe(true);
    // Positive control: allowed work goes on, and the log (through the thread) holds it.
    expect(results.allowed).toBe('written');
    expect(run.entries().some((e) => e.target === join(dir, 'ok', 'after') && e.decision === 'allow')).toBe(true);
  });
});
