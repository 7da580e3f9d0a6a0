// node:ffi (Node 26, no flag) loads shared libraries and calls into them, and reads and writes raw memory:
// native code past every hook. A real shared object whose constructor writes a marker stands for the
// library: under a production policy that denies it, the libraries the loader searches for, the process's own
// symbols and raw memory, no road may load or touch them, and each refusal is in the audit log. An allowed
// library does load, which shows that the routes are real.
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createProject, describeEachModeIf, governedRun, removeProject } from '../helpers/governed-run';
import { buildMarkerLibrary, expectNativeRefusal, MARKER_ATTEMPT, type MarkerOutcome } from '../helpers/marker-library';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const fs = require('node:fs'), path = require('node:path');
const ffi = require('node:ffi');
const here = process.cwd();
const evil = path.join(here, 'ext', 'evil.so');
const results = {};
${MARKER_ATTEMPT}(async () => {
  await attempt('dlopen(path)', () => ffi.dlopen(evil, {}));
  await attempt('dlopen(relative path)', () => ffi.dlopen('./ext/evil.so', {}));
  await attempt('new DynamicLibrary(path)', () => new ffi.DynamicLibrary(evil));
  await attempt('a DynamicLibrary subclass', () => { class Sub extends ffi.DynamicLibrary {} return new Sub(evil); });
  await attempt('process.getBuiltinModule', () => process.getBuiltinModule('node:ffi').dlopen(evil, {}));
  await attempt('ESM import', async () => { const { dlopen } = await import('node:ffi'); dlopen(evil, {}); });
  await attempt('a library the loader searches for', () => ffi.dlopen('libc.so.6', {}));
  await attempt('the process\'s own symbols', () => ffi.dlopen(null, {}));
  await attempt('raw memory', () => ffi.getInt32(0n));
  // No path given, and an accessor for index 0 on Array.prototype: it names a library the policy allows (which does
  // not exist) when read, and leaves the denied one in its place when written.
  await attempt('an omitted path filled through an index accessor', () => {
    Object.defineProperty(Array.prototype, '0', { configurable: true, get: () => path.join(here, 'allowed', 'none.so'), set() {
      delete Array.prototype[0];
      Object.defineProperty(this, '0', { value: evil, writable: true, enumerable: true, configurable: true });
    } });
    try { return new ffi.DynamicLibrary(); } finally { delete Array.prototype[0]; }
  });
  await attempt('allowed library', () => ffi.dlopen(path.join(here, 'allowed', 'evil.so'), {}));
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
})();
`;

const DENIED: Record<string, string> = {
  'dlopen(path)': '<dir>/ext/evil.so',
  'dlopen(relative path)': '<dir>/ext/evil.so',
  'new DynamicLibrary(path)': '<dir>/ext/evil.so',
  'a DynamicLibrary subclass': '<dir>/ext/evil.so',
  'process.getBuiltinModule': '<dir>/ext/evil.so',
  'ESM import': '<dir>/ext/evil.so',
  'a library the loader searches for': 'library:libc.so.6',
  'the process\'s own symbols': 'library:<this process>',
  'raw memory': 'ffi:memory',
};

describeEachModeIf(isBuiltin('node:ffi'), 'node:ffi under a production policy (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP } });
  buildMarkerLibrary(join(dir, 'ext'), join(dir, 'MARKER'));
  buildMarkerLibrary(join(dir, 'allowed'), join(dir, 'MARKER'));
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    policy: {
      level: 'production',
      default: 'allow',
      rules: [{ id: 'no-native', action: 'native_addon', target: [`${dir}/ext/**`, 'library:*', 'ffi:*'], effect: 'deny' }],
    },
  });
  const outcomes = run.status === 0 ? routeResults<Record<string, MarkerOutcome>>(run) : {};
  const entries = run.entries();
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(Object.entries(DENIED))('%s is refused as native_addon:%s and runs no native code', (label, rawTarget) => {
    expectNativeRefusal(outcomes[label], entries, rawTarget.replace('<dir>', dir));
  });

  it('an omitted path is read once: Node opens the library that was checked, not the one an index accessor left', () => {
    expect(outcomes['an omitted path filled through an index accessor']).toMatchObject({ outcome: 'thrown', ran: false });
    expect(outcomes['an omitted path filled through an index accessor']?.message).toContain('none.so');
  });

  it('positive control: an allowed library loads and its code runs', () => {
    expect(outcomes['allowed library']).toEqual({ outcome: 'done', ran: true });
  });
});
