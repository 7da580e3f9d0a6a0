// Per-package (`from`) rules read the caller's package from the file name V8 gives its frame, and a module the program
// loads itself (`new Module(f).load(f)`) is named as the program wrote `f`. Names with `..` were read lexically, while
// the file system follows links first: `ok/L/../../node_modules/good-pkg/evil.js`, with `ok/L` a link the program made
// to `ok/s1/s2/s3`, named a file of good-pkg, and Node loaded `ok/s1/node_modules/good-pkg/evil.js`, which the program
// wrote. Its calls borrowed good-pkg's rule and wrote into a denied directory, with no code_eval and nothing written in
// good-pkg. The same trick named a module as one of governance's own files, whose frames are skipped: a callback handed
// to good-pkg then counted as good-pkg's; and a `from` rule naming files (`<dir>/lib/**`) matched the lexical name.
// Such names now carry no package, name no file for rules and are nobody's frame to skip. A name in normal form whose
// path runs through a link the program made (`tmp/l` to `data/`, where only names directly in tmp/ are writable) named
// good-pkg too; a module the program loads under a name that is not its real path now carries no package either.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, REPO_ROOT, removeProject, writeOnlyInOkPolicy } from '../helpers/governed-run';
import { expectWriteRefused } from '../helpers/refused-write';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const fs = require('node:fs'), path = require('node:path'), Module = require('node:module');
const here = process.cwd();
const repo = process.argv[2];
const results = {};
function attempt(label, fn) {
  try { fn(); results[label] = { outcome: 'done' }; }
  catch (e) { results[label] = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
}
// A name that reads as <lexical> but leads, through a link made in ok/, to a file written in ok/.
function plant(tag, lexical, source) {
  const up = lexical.split('/').filter(Boolean).length;
  const deep = path.join(here, 'ok', tag, ...Array.from({ length: up }, (_, i) => 'd' + i));
  fs.mkdirSync(deep, { recursive: true });
  const physical = path.join(here, 'ok', tag, lexical);
  fs.mkdirSync(path.dirname(physical), { recursive: true });
  fs.writeFileSync(physical, source);
  fs.symlinkSync(deep, path.join(here, 'ok', tag + '-link'));
  const name = path.join(here, 'ok', tag + '-link') + '/..'.repeat(up) + lexical;
  const m = new Module(name);
  m.load(name);
  return m.exports;
}
const write = (file) => 'module.exports = () => require("node:fs").writeFileSync(' + JSON.stringify(path.join(here, 'denied', file)) + ', "EVIL");';
attempt('a module named as a file of good-pkg', () => plant('a', here + '/node_modules/good-pkg/evil.js', write('as-good-pkg.txt'))());
attempt("a callback named as governance's own file, run by good-pkg", () => require('good-pkg/call.js')(plant('b', repo + '/dist/evil.js', write('as-governance.txt'))));
attempt('a module named as a file of lib/, which a file rule trusts', () => plant('c', here + '/lib/evil.js', write('as-lib.txt'))());
// tmp/ lets the program make names directly in it only; data/ lets it write anything below.
attempt('a module named through a link made in tmp/ to data/', () => {
  fs.mkdirSync(path.join(here, 'data', 'node_modules', 'good-pkg'), { recursive: true });
  fs.writeFileSync(path.join(here, 'data', 'node_modules', 'good-pkg', 'evil.js'), write('through-link.txt'));
  fs.symlinkSync(path.join(here, 'data'), path.join(here, 'tmp', 'l'));
  const name = path.join(here, 'tmp', 'l', 'node_modules', 'good-pkg', 'evil.js');
  const m = new Module(name);
  m.load(name);
  m.exports();
});
attempt('positive control: good-pkg itself', () => require('good-pkg/writer.js')(path.join(here, 'denied', 'by-good-pkg.txt')));
attempt('positive control: lib/ itself', () => require('./lib/writer.js')(path.join(here, 'denied', 'by-lib.txt')));
process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
`;

type Outcome = { outcome: string; code?: string; message?: string };
const SPOOFED: Record<string, string> = {
  'a module named as a file of good-pkg': 'as-good-pkg.txt',
  "a callback named as governance's own file, run by good-pkg": 'as-governance.txt',
  'a module named as a file of lib/, which a file rule trusts': 'as-lib.txt',
  'a module named through a link made in tmp/ to data/': 'through-link.txt',
};

describe.each(LAUNCH_MODES)('modules loaded under a name with .. after a link (%s)', (mode) => {
  const dir = createProject({
    files: {
      'app.cjs': APP,
      'denied/.keep': '',
      'node_modules/good-pkg/package.json': '{ "name": "good-pkg", "version": "1.0.0" }',
      'node_modules/good-pkg/writer.js': 'module.exports = (file) => require("node:fs").writeFileSync(file, "good");\n',
      'node_modules/good-pkg/call.js': 'module.exports = (fn) => fn();\n',
      'tmp/.keep': '',
      'lib/writer.js': 'module.exports = (file) => require("node:fs").writeFileSync(file, "lib");\n',
    },
  });
  const policy = writeOnlyInOkPolicy(dir, {
    rules: [
      { id: 'good-pkg-writes', action: 'file_write', target: `${dir}/denied/**`, effect: 'allow', from: ['good-pkg'] },
      { id: 'lib-writes', action: 'file_write', target: `${dir}/denied/**`, effect: 'allow', from: [`${dir}/lib/**`] },
      { id: 'tmp', action: 'file_write', target: `${dir}/tmp/*`, effect: 'allow' },
      { id: 'data', action: 'file_write', target: `${dir}/data/**`, effect: 'allow' },
    ],
  });
  const run = governedRun({ dir, mode, entry: 'app.cjs', args: [REPO_ROOT], policy });
  const outcomes = run.status === 0 ? routeResults<Record<string, Outcome>>(run) : {};
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(Object.keys(SPOOFED))("%s: the write is the program's, refused and recorded", (label) => {
    expectWriteRefused(outcomes[label], run, join(dir, 'denied', SPOOFED[label]));
  });

  it("positive control: good-pkg's and lib/'s own code still have their rules", () => {
    expect(outcomes['positive control: good-pkg itself']).toEqual({ outcome: 'done' });
    expect(readFileSync(join(dir, 'denied', 'by-good-pkg.txt'), 'utf8')).toBe('good');
    expect(outcomes['positive control: lib/ itself']).toEqual({ outcome: 'done' });
    expect(readFileSync(join(dir, 'denied', 'by-lib.txt'), 'utf8')).toBe('lib');
  });
});

// With links kept (`--preserve-symlinks`, also in a child's NODE_OPTIONS), Node itself names a module by its link path.
const LINKED_APP = String.raw`
const fs = require('node:fs'), path = require('node:path');
const here = process.cwd();
const results = {};
fs.mkdirSync(path.join(here, 'data', 'node_modules', 'good-pkg'), { recursive: true });
fs.writeFileSync(path.join(here, 'data', 'node_modules', 'good-pkg', 'evil.js'), 'module.exports = () => require("node:fs").writeFileSync(' + JSON.stringify(path.join(here, 'denied', 'kept-link.txt')) + ', "EVIL");');
fs.symlinkSync(path.join(here, 'data'), path.join(here, 'tmp', 'l'));
try { require('./tmp/l/node_modules/good-pkg/evil.js')(); results.required = { outcome: 'done' }; }
catch (e) { results.required = { outcome: 'thrown', code: e && e.code }; }
try { require('good-pkg/writer.js')(path.join(here, 'denied', 'by-good-pkg.txt')); results.control = { outcome: 'done' }; }
catch (e) { results.control = { outcome: 'thrown', code: e && e.code }; }
fs.writeFileSync(path.join(here, 'data', 'node_modules', 'good-pkg', 'evil.mjs'), 'import fs from "node:fs"; export default () => fs.writeFileSync(' + JSON.stringify(path.join(here, 'denied', 'kept-link-esm.txt')) + ', "EVIL");');
import('./tmp/l/node_modules/good-pkg/evil.mjs').then((m) => {
  try { m.default(); results.imported = { outcome: 'done' }; } catch (e) { results.imported = { outcome: 'thrown', code: e && e.code }; }
}, (e) => { results.imported = { outcome: 'import failed', code: e && e.code }; }).then(() => process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n'));
`;

describe.each(LAUNCH_MODES)('a module required through a link the program made, links kept (%s)', (mode) => {
  const dir = createProject({
    files: {
      'app.cjs': LINKED_APP,
      'denied/.keep': '',
      'tmp/.keep': '',
      'node_modules/good-pkg/package.json': '{ "name": "good-pkg", "version": "1.0.0" }',
      'node_modules/good-pkg/writer.js': 'module.exports = (file) => require("node:fs").writeFileSync(file, "good");\n',
    },
  });
  const policy = writeOnlyInOkPolicy(dir, {
    rules: [
      { id: 'good-pkg-writes', action: 'file_write', target: `${dir}/denied/**`, effect: 'allow', from: ['good-pkg'] },
      { id: 'tmp', action: 'file_write', target: `${dir}/tmp/*`, effect: 'allow' },
      { id: 'data', action: 'file_write', target: `${dir}/data/**`, effect: 'allow' },
    ],
  });
  const run = governedRun({ dir, mode, entry: 'app.cjs', policy, nodeFlags: ['--preserve-symlinks'] });
  const outcomes = run.status === 0 ? routeResults<Record<string, Outcome>>(run) : {};
  afterAll(() => removeProject(dir));

  it("the program's code is not good-pkg's: refused and recorded; good-pkg's own code still has its rule", () => {
    expect(run.status, run.stderr).toBe(0);
    expectWriteRefused(outcomes.required, run, join(dir, 'denied', 'kept-link.txt'));
    expect(outcomes.control).toEqual({ outcome: 'done' });
  });

  it("the same code imported as an ES module is not good-pkg's either", () => {
    expectWriteRefused(outcomes.imported, run, join(dir, 'denied', 'kept-link-esm.txt'));
  });
});
