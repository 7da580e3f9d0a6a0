// Per-package (`from`) rules read the caller's package from the file name V8 gives its frame. Code compiled from a
// string under a package file's name (vm's `filename`, a SourceTextModule's `identifier`, Module#_compile of a name
// that is no loaded file) had frames with that name: with `code_eval` allowed, the program's code ran as good-pkg's
// and good-pkg's `from` rule let it write into a denied directory. Such names now carry no package.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject, writeOnlyInOkPolicy } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const fs = require('node:fs'), path = require('node:path'), vm = require('node:vm'), Module = require('node:module');
const here = process.cwd();
const target = path.join(here, 'denied', 'from.txt');
const named = path.join(here, 'node_modules', 'good-pkg', 'index.js');
// The compiled code calls fs itself: a helper defined here would be the nearest frame.
globalThis.__fs = fs;
const write = (text) => '__fs.writeFileSync(' + JSON.stringify(target) + ', ' + JSON.stringify(text) + ')';
const results = {};
function attempt(label, fn) {
  try { fn(); results[label] = { outcome: 'done' }; }
  catch (e) { results[label] = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
}
attempt('vm.runInThisContext with a filename of good-pkg', () => vm.runInThisContext(write('vm'), { filename: named }));
attempt('vm.runInThisContext with the filename as a string', () => vm.runInThisContext(write('vm-string'), named));
attempt('vm.compileFunction with a filename of good-pkg', () => vm.compileFunction(write('cf'), [], { filename: named })());
attempt('new vm.Script with a filename of good-pkg', () => new vm.Script(write('script'), { filename: 'file://' + named }).runInThisContext());
attempt('Module#_compile under a name in good-pkg', () => new Module(named)._compile(write('compile'), path.join(here, 'node_modules', 'good-pkg', 'fake.js')));
attempt('positive control: good-pkg itself', () => require('good-pkg/writer.js')(path.join(here, 'denied', 'by-good-pkg.txt')));
process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
`;

type Outcome = { outcome: string; code?: string; message?: string };
const SPOOFED = [
  'vm.runInThisContext with a filename of good-pkg',
  'vm.runInThisContext with the filename as a string',
  'vm.compileFunction with a filename of good-pkg',
  'new vm.Script with a filename of good-pkg',
  'Module#_compile under a name in good-pkg',
];

describe.each(LAUNCH_MODES)('code compiled under a package file\'s name (%s)', (mode) => {
  const dir = createProject({
    files: {
      'app.cjs': APP,
      'denied/.keep': '',
      'node_modules/good-pkg/package.json': '{ "name": "good-pkg", "version": "1.0.0" }',
      'node_modules/good-pkg/index.js': 'module.exports = {};\n',
      'node_modules/good-pkg/writer.js': 'module.exports = (file) => require("node:fs").writeFileSync(file, "good");\n',
    },
  });
  const policy = writeOnlyInOkPolicy(dir, {
    rules: [
      { id: 'good-pkg-writes', action: 'file_write', target: `${dir}/denied/**`, effect: 'allow', from: ['good-pkg'] },
      { id: 'eval', action: 'code_eval', target: '**', effect: 'allow' },
    ],
  });
  const run = governedRun({ dir, mode, entry: 'app.cjs', policy });
  const outcomes = run.status === 0 ? routeResults<Record<string, Outcome>>(run) : {};
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(SPOOFED)('%s: the write is the program\'s, refused and recorded', (label) => {
    expect(outcomes[label], JSON.stringify(outcomes[label])).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
  });

  it('nothing was written by the spoofed code, and the refusals are in the log', () => {
    expect(existsSync(join(dir, 'denied', 'from.txt'))).toBe(false);
    expect(run.entries().filter((e) => e.target === join(dir, 'denied', 'from.txt') && e.decision === 'deny').length).toBe(SPOOFED.length);
  });

  it('positive control: good-pkg\'s own code still has its rule', () => {
    expect(outcomes['positive control: good-pkg itself']).toEqual({ outcome: 'done' });
    expect(readFileSync(join(dir, 'denied', 'by-good-pkg.txt'), 'utf8')).toBe('good');
  });
});
