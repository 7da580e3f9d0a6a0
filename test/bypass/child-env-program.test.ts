// `env` started as a program, not through a shell. A shell's `env -i node ...` (and `-u NODE_OPTIONS`, an assignment
// to it, `-S`) is refused, but `spawn('env', ['-i', process.execPath, 'child.cjs'])` was not read at all: env cleared
// the environment, the preload with it, and its node child ran ungoverned and wrote into a directory the policy denies
// (every line, until 2026-11-23); so did `nice env -i ...`, `timeout 5 env -i ...` and `xargs ... env -i ...`, a shell's
// `-c` command behind another program (`env sh -c 'NODE_OPTIONS= node ...'`, `nice sh -c`, `su root -c`), which the
// shell check never read, and programs that reset the environment (`setpriv --reset-env`, `runuser -l`). Under a
// production policy that allows env, these wrappers, shells and node, in the three launch modes, each must be refused as a
// runtime_bypass, logged, and leave no file. Positive control: env that leaves governance's variables alone starts a
// governed child, whose write into the denied directory is refused and logged.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject, writeOnlyInOkPolicy } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const cp = require('node:child_process');
const node = process.execPath;
const child = (label) => [node, require('node:path').resolve('child.cjs'), label]; // absolute: su -l and runuser -l move to HOME
const routes = {
  'env -i': ['env', ['-i', ...child('env-i')]],
  'env -': ['env', ['-', ...child('env-dash')]],
  'env --ignore-environment': ['env', ['--ignore-environment', ...child('env-ignore')]],
  'env -u NODE_OPTIONS': ['env', ['-u', 'NODE_OPTIONS', ...child('env-u')]],
  'env -uNODE_OPTIONS': ['env', ['-uNODE_OPTIONS', ...child('env-u-attached')]],
  'env --unset=NODE_OPTIONS': ['env', ['--unset=NODE_OPTIONS', ...child('env-unset')]],
  'env NODE_OPTIONS=': ['env', ['NODE_OPTIONS=', ...child('env-assign')]],
  'env MLTRAINER_ENFORCEMENT_LEVEL=development': ['env', ['MLTRAINER_ENFORCEMENT_LEVEL=development', ...child('env-level')]],
  'env -S': ['env', ['-S', '-i ' + child('env-S').join(' ')]],
  'nice env -i': ['nice', ['env', '-i', ...child('nice-env-i')]],
  'timeout 5 env -i': ['timeout', ['5', 'env', '-i', ...child('timeout-env-i')]],
  'xargs env -i': ['xargs', ['-a', '/dev/null', '-r', 'env', '-i', ...child('xargs-env-i')]],
  'env sh -c NODE_OPTIONS=': ['env', ['sh', '-c', 'NODE_OPTIONS= ' + child('env-sh-c').join(' ')]],
  'nice sh -c unset': ['nice', ['sh', '-c', 'unset NODE_OPTIONS; ' + child('nice-sh-c').join(' ')]],
  'timeout 5 bash -ec': ['timeout', ['5', 'bash', '-ec', 'NODE_OPTIONS= ' + child('timeout-bash-ec').join(' ')]],
  'su root -c': ['su', ['root', '-c', 'NODE_OPTIONS= ' + child('su-c').join(' ')]],
  'runuser -l root -c': ['runuser', ['-l', 'root', '-c', child('runuser-l').join(' ')]],
  'setpriv --reset-env': ['setpriv', ['--reset-env', ...child('setpriv-reset-env')]],
  'exec route: execFileSync env -i': null,
  'async spawn env -i': null,
  'control: env FOO=1': ['env', ['FOO=1', ...child('control')]],
};
const results = {};
(async () => {
  for (const [label, route] of Object.entries(routes)) {
    if (route === null) continue;
    const r = cp.spawnSync(route[0], route[1], { encoding: 'utf8' });
    results[label] = r.error ? { error: r.error.code, violation: r.error.violation } : { out: (r.stdout + r.stderr).trim() };
  }
  try { results['exec route: execFileSync env -i'] = { out: cp.execFileSync('env', ['-i', ...child('execfile-env-i')], { encoding: 'utf8' }).trim() }; }
  catch (e) { results['exec route: execFileSync env -i'] = { error: e.code, violation: e.violation }; }
  results['async spawn env -i'] = await new Promise((resolve) => {
    const c = cp.spawn('env', ['-i', ...child('spawn-env-i')]);
    let out = '';
    c.stdout.on('data', (chunk) => { out += chunk; });
    c.on('error', (e) => resolve({ error: e.code, violation: e.violation }));
    c.on('close', () => resolve({ out: out.trim() }));
  });
  console.log('RESULTS ' + JSON.stringify(results));
})();
`;

const CHILD = String.raw`
const label = process.argv[2];
try { require('node:fs').writeFileSync(require('node:path').join(__dirname, 'denied', label), 'x'); console.log(label, 'WROTE'); }
catch (e) { console.log(label, e.code); }
`;

const REFUSED: [string, string][] = [
  ['env -i', 'env-i'], ['env -', 'env-dash'], ['env --ignore-environment', 'env-ignore'], ['env -u NODE_OPTIONS', 'env-u'],
  ['env -uNODE_OPTIONS', 'env-u-attached'], ['env --unset=NODE_OPTIONS', 'env-unset'], ['env NODE_OPTIONS=', 'env-assign'],
  ['env MLTRAINER_ENFORCEMENT_LEVEL=development', 'env-level'], ['env -S', 'env-S'], ['nice env -i', 'nice-env-i'],
  ['timeout 5 env -i', 'timeout-env-i'], ['xargs env -i', 'xargs-env-i'], ['env sh -c NODE_OPTIONS=', 'env-sh-c'],
  ['nice sh -c unset', 'nice-sh-c'], ['timeout 5 bash -ec', 'timeout-bash-ec'], ['su root -c', 'su-c'],
  ['runuser -l root -c', 'runuser-l'], ['setpriv --reset-env', 'setpriv-reset-env'], ['exec route: execFileSync env -i', 'execfile-env-i'],
  ['async spawn env -i', 'spawn-env-i'],
];

describe.each(LAUNCH_MODES)('env started as a program, production policy (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'child.cjs': CHILD, 'denied/.keep': '' } });
  afterAll(() => removeProject(dir));
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    policy: writeOnlyInOkPolicy(dir, { rules: [
      { id: 'tools', action: 'process_spawn', target: ['**/env', '**/nice', '**/timeout', '**/xargs', '**/sh', '**/bash', '**/su', '**/runuser', '**/setpriv', process.execPath], effect: 'allow' },
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

  it('positive control: env leaving governance alone starts a governed child, whose write is refused and logged', () => {
    expect(results['control: env FOO=1']).toEqual({ out: 'control EGOVDENIED' });
    expect(existsSync(join(dir, 'denied', 'control'))).toBe(false);
    expect(run.entries().some((e) => e.action === 'file_write' && e.target === join(dir, 'denied', 'control') && e.decision === 'deny')).toBe(true);
  });
});
