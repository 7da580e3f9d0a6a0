// Program code run from governance's own settings of `Error` (production policy, three launch modes). Governance sets
// `Error.stackTraceLimit` and `Error.prepareStackTrace` for a moment while it decides (reading the caller) and while
// it resolves paths, and Node calls `globalThis.Error.prepareStackTrace` when it formats the call sites. Until
// 2026-11-23 those were plain assignments and reads: an accessor the program put on them (or a replaced global
// `Error`) ran inside a decision, where the kernel lets every call through as governance's own, and a write made
// from there to a denied directory went through unrecorded; an accessor run after a path was resolved swapped the
// symlink the decision had followed, and Node wrote through the new link. Each attempt must leave the denied
// directory empty, and each refusal must be recorded with its caller.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject, writeOnlyInOkPolicy } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const fs = require('node:fs'), path = require('node:path');
const D = path.join(__dirname, 'denied'), OK = path.join(__dirname, 'ok');
const results = {};
let inside = false;
// What the program's accessor does whenever governance makes it run: a write into the denied directory.
const evil = (label) => { if (inside) return; inside = true; try { fs.writeFileSync(path.join(D, label), 'x'); } catch {} finally { inside = false; } };
function attempt(label, tamper, trigger) {
  const undo = tamper();
  let outcome;
  try { trigger(); outcome = { outcome: 'done' }; } catch (e) { outcome = { outcome: 'thrown', code: e && e.code }; }
  undo();
  results[label] = outcome;
}
const deniedWrite = (label) => () => fs.writeFileSync(path.join(D, 'trigger-' + label), 'x');
const redefine = (owner, key, descriptor) => {
  const saved = Object.getOwnPropertyDescriptor(owner, key);
  Object.defineProperty(owner, key, { configurable: true, ...descriptor });
  return () => { if (saved) Object.defineProperty(owner, key, saved); else delete owner[key]; };
};
attempt('stackTraceLimit setter', () => { let v = 10; return redefine(Error, 'stackTraceLimit', { get() { return v; }, set(x) { v = x; evil('stackTraceLimit'); } }); }, deniedWrite('stackTraceLimit'));
attempt('stackTraceLimit getter', () => { let v = 10; return redefine(Error, 'stackTraceLimit', { get() { evil('stackTraceLimitGet'); return v; }, set(x) { v = x; } }); }, deniedWrite('stackTraceLimitGet'));
attempt('prepareStackTrace getter', () => redefine(Error, 'prepareStackTrace', { get() { evil('prepareStackTrace'); return undefined; }, set() {} }), deniedWrite('prepareStackTrace'));
attempt('prepareStackTrace setter on Object.prototype', () => redefine(Object.prototype, 'prepareStackTrace', { get() { return undefined; }, set() { evil('objectPrototype'); } }), deniedWrite('objectPrototype'));
attempt('a global Error of the program', () => {
  const Real = Error;
  const Fake = function Error(message) { return new Real(message); };
  Fake.captureStackTrace = Real.captureStackTrace;
  Fake.prepareStackTrace = (error, sites) => { evil('globalError'); return sites; };
  globalThis.Error = Fake;
  return () => { globalThis.Error = Real; };
}, deniedWrite('globalError'));
// The decision follows ok/link to ok/target; an accessor run after that re-points the link into the denied directory.
fs.writeFileSync(path.join(OK, 'target'), '');
fs.symlinkSync(path.join(OK, 'target'), path.join(OK, 'link'));
attempt('a symlink swapped after the path was resolved', () => {
  let v = 10, armed = true;
  return redefine(Error, 'stackTraceLimit', { get() { return v; }, set(x) {
    v = x;
    if (!armed || x === 0) return;
    armed = false;
    try { fs.unlinkSync(path.join(OK, 'link')); fs.symlinkSync(path.join(D, 'swapped'), path.join(OK, 'link')); } catch {}
  } });
}, () => fs.writeFileSync(path.join(OK, 'link'), 'x'));
attempt('positive control: an allowed write', () => () => {}, () => fs.writeFileSync(path.join(OK, 'allowed'), 'x'));
attempt('positive control: a denied write without tampering', () => () => {}, deniedWrite('plain'));
results.denied = fs.readdirSync(D);
process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
`;

const TRIGGERED = ['stackTraceLimit setter', 'stackTraceLimit getter', 'prepareStackTrace getter', 'prepareStackTrace setter on Object.prototype', 'a global Error of the program'];

describe.each(LAUNCH_MODES)('program accessors on Error and the global Error during decisions (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'denied/.keep': '', 'ok/.keep': '' } });
  const policy = writeOnlyInOkPolicy(dir);
  const run = governedRun({ dir, mode, entry: 'app.cjs', policy });
  const results = run.status === 0 ? routeResults<Record<string, unknown>>(run) : {};
  const entries = run.entries();
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it('nothing was written into the denied directory', () => {
    expect(readdirSync(join(dir, 'denied')).sort()).toEqual(['.keep']);
    expect(results.denied).toEqual(['.keep']);
  });

  it.each(TRIGGERED)('%s: the denied write is refused and recorded with its caller', (label) => {
    expect(results[label]).toEqual({ outcome: 'thrown', code: 'EGOVDENIED' });
    const name = { 'stackTraceLimit setter': 'stackTraceLimit', 'stackTraceLimit getter': 'stackTraceLimitGet', 'prepareStackTrace getter': 'prepareStackTrace', 'prepareStackTrace setter on Object.prototype': 'objectPrototype', 'a global Error of the program': 'globalError' }[label];
    const refusal = entries.find((e) => e.target === join(dir, 'denied', `trigger-${name}`));
    expect(refusal?.decision).toBe('deny');
    expect(refusal?.caller).toMatch(/app\.cjs:\d+$/);
  });

  it('a symlink swapped after the path was resolved does not move the write', () => {
    expect(readdirSync(join(dir, 'denied'))).not.toContain('swapped');
  });

  it('positive controls: an allowed write is made, a plain denied one refused and recorded', () => {
    expect(results['positive control: an allowed write']).toEqual({ outcome: 'done' });
    expect(readdirSync(join(dir, 'ok'))).toContain('allowed');
    expect(results['positive control: a denied write without tampering']).toEqual({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(entries.some((e) => e.target === join(dir, 'denied', 'trigger-plain') && e.decision === 'deny')).toBe(true);
  });
});
