// Start-up files a shell runs before its command. The shell check reads a `-c` command, but a login or interactive
// shell first runs `~/.profile` (`.bash_profile`, `.bashrc`) or `$ENV`, and `--rcfile`/`--init-file` name a file to
// run: `bash --rcfile ok/rc -ic`, `bash -lc` and `sh -lc` with `HOME` set to the program's own directory, a bash
// started with `argv0: '-bash'` (a login shell), and `sh -ic` with `ENV=ok/rc`, each ran the program's
// `unset NODE_OPTIONS` and then `<node> child.cjs`, which, started without the preload, wrote into a directory the
// policy denies (every line, until 2026-11-23). Under a production policy that allows sh, bash and node, in the three
// launch modes, each must be refused as a runtime_bypass, logged, and leave no file; so must the same inside a shell's
// command (`sh -c "bash --rcfile ..."`, `sh -c "HOME=ok bash -lc ..."`) and behind `nice` or `env HOME=ok`. Positive
// controls: a login shell with the HOME this process started with, and a plain `bash -c` with a changed HOME (also
// inside `sh -c`), start governed children.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject, writeOnlyInOkPolicy } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const cp = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
for (const file of ['ok/rc', 'ok/.profile', 'ok/.bash_profile']) fs.writeFileSync(file, 'unset NODE_OPTIONS\n');
const ok = path.resolve('ok');
const child = (label) => '"' + process.execPath + '" ' + path.resolve('child.cjs') + ' ' + label;
const routes = {
  'bash --rcfile -ic': ['bash', ['--rcfile', 'ok/rc', '-ic', child('rcfile')], {}],
  'bash --init-file -ic': ['bash', ['--init-file', 'ok/rc', '-ic', child('init-file')], {}],
  'bash -lc HOME=ok': ['bash', ['-lc', child('bash-login')], { env: { ...process.env, HOME: ok } }],
  'sh -lc HOME=ok': ['sh', ['-lc', child('sh-login')], { env: { ...process.env, HOME: ok } }],
  'argv0 -bash HOME=ok': ['bash', ['-c', child('argv0-login')], { argv0: '-bash', env: { ...process.env, HOME: ok } }],
  'sh -ic ENV=ok/rc': ['sh', ['-ic', child('sh-env')], { env: { ...process.env, ENV: path.join(ok, 'rc') } }],
  'sh -c bash --rcfile': ['sh', ['-c', "bash --rcfile ok/rc -ic '" + child('sh-rcfile') + "'"], {}],
  'nice bash --rcfile': ['nice', ['bash', '--rcfile', 'ok/rc', '-ic', child('nice-rcfile')], {}],
  'sh -c HOME=ok bash -lc': ['sh', ['-c', 'HOME=' + ok + " bash -lc '" + child('sh-home-login') + "'"], {}],
  'env HOME=ok bash -lc': ['env', ['HOME=' + ok, 'bash', '-lc', child('env-home-login')], {}],
  'control: bash -lc': ['bash', ['-lc', child('control-login')], {}],
  'control: sh -c HOME=ok bash -c': ['sh', ['-c', 'HOME=' + ok + " bash -c '" + child('control-sh-home') + "'"], {}],
  'control: bash -c HOME=ok': ['bash', ['-c', child('control-home')], { env: { ...process.env, HOME: ok } }],
};
const results = {};
for (const [label, [file, args, options]] of Object.entries(routes)) {
  const r = cp.spawnSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], ...options });
  results[label] = r.error ? { error: r.error.code, violation: r.error.violation } : { out: r.stdout.trim() };
}
console.log('RESULTS ' + JSON.stringify(results));
`;

const CHILD = String.raw`
const label = process.argv[2];
try { require('node:fs').writeFileSync(require('node:path').join(__dirname, 'denied', label), 'x'); console.log(label, 'WROTE'); }
catch (e) { console.log(label, e.code); }
`;

const REFUSED: [string, string][] = [
  ['bash --rcfile -ic', 'rcfile'], ['bash --init-file -ic', 'init-file'], ['bash -lc HOME=ok', 'bash-login'],
  ['sh -lc HOME=ok', 'sh-login'], ['argv0 -bash HOME=ok', 'argv0-login'], ['sh -ic ENV=ok/rc', 'sh-env'],
  ['sh -c bash --rcfile', 'sh-rcfile'], ['nice bash --rcfile', 'nice-rcfile'], ['sh -c HOME=ok bash -lc', 'sh-home-login'],
  ['env HOME=ok bash -lc', 'env-home-login'],
];
const CONTROLS: [string, string][] = [
  ['control: bash -lc', 'control-login'], ['control: bash -c HOME=ok', 'control-home'], ['control: sh -c HOME=ok bash -c', 'control-sh-home'],
];

describe.each(LAUNCH_MODES)('shell start-up files the program chose, production policy (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'child.cjs': CHILD, 'denied/.keep': '', 'ok/.keep': '' } });
  afterAll(() => removeProject(dir));
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    policy: writeOnlyInOkPolicy(dir, { rules: [
      { id: 'tools', action: 'process_spawn', target: ['**/sh', '**/bash', '**/nice', '**/env', process.execPath], effect: 'allow' },
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
