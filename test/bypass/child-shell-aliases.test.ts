// Shells and command runners governance did not recognise. A shell's `-c` command is read (a `NODE_OPTIONS=` in it
// is refused), but a shell was told by its file name only: `rbash` (Debian's link to bash), a link the program made to
// `/bin/sh` or `/usr/bin/env` under a name the policy allows (`ok/runner`), also behind `nice`, started its node child
// with `NODE_OPTIONS=` or `env -i`, and that child ran ungoverned and wrote into a directory the policy denies (every
// line, until 2026-11-23); so did `script -c`, `flock -c` and `sg <group> [-c]`, which run their command through a
// shell as `su -c` does.
// Under a production policy that allows these programs and node, in the three launch modes, each must be refused as a
// runtime_bypass, logged, and leave no file. Positive control: the same programs with a command that leaves
// governance alone start a governed child, whose write into the denied directory is refused and logged.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject, writeOnlyInOkPolicy } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const cp = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
fs.symlinkSync('/bin/sh', 'ok/runner');
fs.symlinkSync('/usr/bin/env', 'ok/launch');
// rbash refuses a command name with a slash: node is found on PATH.
const env = { ...process.env, PATH: path.dirname(process.execPath) + ':/usr/bin:/bin' };
const child = (label) => 'node ' + path.resolve('child.cjs') + ' ' + label;
const routes = {
  'rbash -c NODE_OPTIONS=': ['rbash', ['-c', 'NODE_OPTIONS= ' + child('rbash')]],
  'link to sh -c NODE_OPTIONS=': ['ok/runner', ['-c', 'NODE_OPTIONS= ' + child('link-sh')]],
  'link to env -i': ['ok/launch', ['-i', process.execPath, path.resolve('child.cjs'), 'link-env']],
  'nice link to sh -c': ['nice', ['ok/runner', '-c', 'NODE_OPTIONS= ' + child('nice-link-sh')]],
  'sh -c link to env -i': ['sh', ['-c', 'ok/launch -i ' + process.execPath + ' ' + path.resolve('child.cjs') + ' sh-link-env']],
  'script -qc NODE_OPTIONS=': ['script', ['-qc', 'NODE_OPTIONS= ' + child('script'), '/dev/null']],
  'flock -c NODE_OPTIONS=': ['flock', ['ok/lock', '-c', 'NODE_OPTIONS= ' + child('flock')]],
  'sg root -c NODE_OPTIONS=': ['sg', ['root', '-c', 'NODE_OPTIONS= ' + child('sg-c')]],
  'sg root NODE_OPTIONS=': ['sg', ['root', 'NODE_OPTIONS= ' + child('sg')]],
  'control: rbash -c': ['rbash', ['-c', child('control-rbash')]],
  'control: link to sh -c': ['ok/runner', ['-c', child('control-link')]],
  'control: script -qc': ['script', ['-qc', child('control-script'), '/dev/null']],
  'control: sg root': ['sg', ['root', child('control-sg')]],
};
const results = {};
for (const [label, route] of Object.entries(routes)) {
  const r = cp.spawnSync(route[0], route[1], { encoding: 'utf8', env });
  results[label] = r.error ? { error: r.error.code, violation: r.error.violation } : { out: (r.stdout + r.stderr).trim() };
}
console.log('RESULTS ' + JSON.stringify(results));
`;

const CHILD = String.raw`
const label = process.argv[2];
try { require('node:fs').writeFileSync(require('node:path').join(__dirname, 'denied', label), 'x'); console.log(label, 'WROTE'); }
catch (e) { console.log(label, e.code); }
`;

const REFUSED: [string, string][] = [
  ['rbash -c NODE_OPTIONS=', 'rbash'], ['link to sh -c NODE_OPTIONS=', 'link-sh'], ['link to env -i', 'link-env'],
  ['nice link to sh -c', 'nice-link-sh'], ['sh -c link to env -i', 'sh-link-env'], ['script -qc NODE_OPTIONS=', 'script'],
  ['flock -c NODE_OPTIONS=', 'flock'], ['sg root -c NODE_OPTIONS=', 'sg-c'], ['sg root NODE_OPTIONS=', 'sg'],
];
const CONTROLS: [string, string][] = [
  ['control: rbash -c', 'control-rbash'], ['control: link to sh -c', 'control-link'], ['control: script -qc', 'control-script'],
  ['control: sg root', 'control-sg'],
];

describe.each(LAUNCH_MODES)('shells and command runners under other names, production policy (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'child.cjs': CHILD, 'denied/.keep': '', 'ok/.keep': '' } });
  afterAll(() => removeProject(dir));
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    policy: writeOnlyInOkPolicy(dir, { rules: [
      { id: 'tools', action: 'process_spawn', target: ['**/rbash', '**/sh', '**/nice', '**/script', '**/flock', '**/sg', `${dir}/ok/*`, process.execPath], effect: 'allow' },
    ] }),
  });
  const results = routeResults<Record<string, { error?: string; violation?: string; out?: string }>>(run);
  const bypasses = run.entries().filter((e) => e.action === 'process_spawn' && e.violation === 'runtime_bypass' && e.decision === 'deny');

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(REFUSED)('%s: refused as runtime_bypass, no ungoverned child wrote', (label, file) => {
    expect(results[label], JSON.stringify(results[label])).toMatchObject({ error: 'EGOVDENIED', violation: 'runtime_bypass' });
    expect(existsSync(join(dir, 'denied', file))).toBe(false);
  });

  it('each refusal is in the log', () => {
    expect(bypasses.length, JSON.stringify(bypasses)).toBe(REFUSED.length);
  });

  it.each(CONTROLS)('positive control, %s: a governed child, whose write is refused and logged', (label, file) => {
    expect(results[label], JSON.stringify(results[label])).toEqual({ out: `${file} EGOVDENIED` });
    expect(existsSync(join(dir, 'denied', file))).toBe(false);
    expect(run.entries().some((e) => e.action === 'file_write' && e.target === join(dir, 'denied', file) && e.decision === 'deny')).toBe(true);
  });
});
