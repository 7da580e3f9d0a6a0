// Program code run by the audit writer inside a decision (production policy, three launch modes). The writer moves
// to a thread of its own after 4096 entries, starting it from inside the decision that queued the 4096th, and a
// denial then waits for the thread's commit. Until 2026-11-23 that wait read `threadId` through Worker.prototype,
// and the thread's options were an ordinary object whose missing fields Node looks up on Object.prototype: a getter
// the program put there ran inside the decision, where the kernel lets calls through as governance's own, and a
// write it made to a denied directory went through. The denied directory must stay empty.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject, verifyProjectLog, writeOnlyInOkPolicy } from '../helpers/governed-run';
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

// The writer thread's Worker object in the program's hands. Node gives every new Worker to `process.on('worker')`
// listeners and to the `worker_threads` diagnostics channel, the audit writer thread included. Until 2026-11-23 the
// thread took its batches from its parentPort, so a batch the program posted to the Worker was committed like
// governance's own: a forged `approved` entry, chained and signed, and `audit verify` said VALID (every line). A
// `close` message, `terminate()` or a heap snapshot could stop the log or read the thread that holds the key. Now
// the forged entry must be absent, terminate and getHeapSnapshot refused and recorded, a later denial still in the
// log, and the log must verify.
const CAPTURE = String.raw`
const fs = require('node:fs'), path = require('node:path'), dc = require('node:diagnostics_channel');
const D = path.join(__dirname, 'denied'), OK = path.join(__dirname, 'ok');
// Only workers created from now on: on Node 20 the 'worker' event also hands over Node's module hooks thread.
const captured = new Set();
dc.subscribe('worker_threads', (m) => captured.add(m.worker));
process.on('worker', (w) => { if (captured.has(w)) results.sameFromEvent = true; });
const results = {};
for (let i = 0; i < 5000; i++) fs.writeFileSync(path.join(OK, 'warm' + (i % 5)), 'x'); // the writer thread starts
setTimeout(async () => {
  results.captured = captured.size;
  for (const w of captured) {
    const ts = new Date().toISOString();
    w.postMessage({ type: 'batch', id: 1e6, fields: [ts, process.pid, 'alice', 'file_write', '/app/exports/FORGED.csv', 'approved', 'exports', 'production', 'forged', 'app.js:1', null] });
    w.postMessage({ type: 'close', id: 1e6 + 1 });
    for (const method of ['getHeapSnapshot', 'terminate']) {
      try { await w[method](); results[method] = 'done'; } catch (e) { results[method] = e && e.code; }
    }
  }
  await new Promise((r) => setTimeout(r, 300));
  try { fs.writeFileSync(path.join(D, 'after-attack'), 'x'); results.after = 'written'; } catch (e) { results.after = e && e.code; }
  console.log('RESULTS ' + JSON.stringify(results));
}, 200);
`;

describe.each(LAUNCH_MODES)('the audit writer thread\'s Worker object in the program\'s hands (%s)', (mode) => {
  const dir = createProject({ files: { 'app.js': CAPTURE, 'ok/.keep': '', 'denied/.keep': '' } });
  afterAll(() => removeProject(dir));
  const run = governedRun({ dir, mode, entry: 'app.js', policy: writeOnlyInOkPolicy(dir), timeoutMs: 60_000 });
  const entries = run.entries();

  it('the program obtained the thread, and its terminate and heap snapshot were refused', () => {
    expect(run.status, run.stderr).toBe(0);
    const results = routeResults<Record<string, unknown>>(run);
    expect(results.captured).toBe(1);
    expect(results.sameFromEvent).toBe(true);
    expect(results.getHeapSnapshot).toBe('EGOVDENIED');
    expect(results.terminate).toBe('EGOVDENIED');
    expect(results.after).toBe('EGOVDENIED');
  });

  it('no forged entry is in the log; the refusals and the later denial are; the log verifies', () => {
    expect(entries.some((e) => e.target === '/app/exports/FORGED.csv')).toBe(false);
    for (const method of ['getHeapSnapshot', 'terminate']) {
      expect(entries.some((e) => e.target === `governance-thread:${method}` && e.decision === 'deny' && e.violation === 'runtime_bypass'), method).toBe(true);
    }
    expect(entries.some((e) => e.action === 'file_write' && e.target === join(dir, 'denied', 'after-attack') && e.decision === 'deny')).toBe(true);
    expect(verifyProjectLog(dir).valid).toBe(true);
  });
});

// Node 20 (and 22 before 22.15): ES imports are decided through a `module.register` loader, whose hooks thread Node
// also hands to `process.on('worker')` listeners. Its getHeapSnapshot() crashed the process (a segfault) and its
// terminate() ended it, losing the queued entries (until 2026-11-23). Both are now refused and recorded.
const HOOKS_THREAD = String.raw`
const captured = [];
process.on('worker', (w) => captured.push(w));
setTimeout(async () => {
  const results = { captured: captured.length };
  for (const w of captured) {
    for (const method of ['getHeapSnapshot', 'terminate']) {
      try { await w[method](); results[method] = 'done'; } catch (e) { results[method] = e && e.code; }
    }
  }
  console.log('RESULTS ' + JSON.stringify(results));
}, 100);
`;

const HOOKS_OFF_THREAD = typeof (require('node:module') as { registerHooks?: unknown }).registerHooks !== 'function';

describe.skipIf(!HOOKS_OFF_THREAD).each(LAUNCH_MODES)('Node\'s module hooks thread in the program\'s hands (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': HOOKS_THREAD } });
  afterAll(() => removeProject(dir));
  const run = governedRun({ dir, mode, entry: 'app.cjs', policy: writeOnlyInOkPolicy(dir) });

  it('its getHeapSnapshot and terminate are refused and recorded; the process ends normally', () => {
    expect(run.status, run.stderr).toBe(0);
    const results = routeResults<Record<string, unknown>>(run);
    if (results.captured === 0) return; // an ESM entry point: the event went out before the program listened
    expect(results).toMatchObject({ getHeapSnapshot: 'EGOVDENIED', terminate: 'EGOVDENIED' });
    expect(run.entries().some((e) => e.target === 'governance-thread:getHeapSnapshot' && e.decision === 'deny')).toBe(true);
  });
});
