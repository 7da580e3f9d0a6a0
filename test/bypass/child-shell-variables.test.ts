// Variables that make bash run code its command line does not hold. A shell's `-c` command is read (a `NODE_OPTIONS=`
// or `unset NODE_OPTIONS` in it is refused), but bash also sources the file `BASH_ENV` names before a non-interactive
// command, and imports `BASH_FUNC_<name>%%` variables as functions: a program that gave bash `BASH_ENV=ok/env.sh`
// (`unset NODE_OPTIONS`), or a function `node` that runs `NODE_OPTIONS= command node "$@"`, and the innocent command
// `node child.cjs`, started that child without the preload, and it wrote into a directory the policy denies (every
// line, until 2026-11-23; also through `sh -c 'bash -c ...'`, with the variable set in `process.env`, and assigned in
// a shell's command or by `env`). Under a
// production policy that allows bash, sh and node, in the three launch modes, each must be refused as a
// runtime_bypass, logged, and leave no file. Positive controls: a plain `bash -c` starts a governed child, and a
// `BASH_ENV` this process started with (the operator's) still reaches bash.
import { chmodSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject, writeOnlyInOkPolicy } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const cp = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
fs.writeFileSync('ok/env.sh', 'unset NODE_OPTIONS\n');
const base = { ...process.env, PATH: path.dirname(process.execPath) + ':/usr/bin:/bin' };
const child = (label) => 'node ' + path.resolve('child.cjs') + ' ' + label;
const routes = {
  'bash BASH_ENV': ['bash', ['-c', child('bash-env')], { ...base, BASH_ENV: path.resolve('ok/env.sh') }],
  'bash BASH_FUNC_node%%': ['bash', ['-c', child('bash-func')], { ...base, 'BASH_FUNC_node%%': '() { NODE_OPTIONS= command node "$@"; }' }],
  'sh -c bash BASH_ENV': ['sh', ['-c', 'bash -c "' + child('sh-bash-env') + '"'], { ...base, BASH_ENV: path.resolve('ok/env.sh') }],
  'process.env.BASH_ENV': ['bash', ['-c', child('process-env')], null],
  'sh -c BASH_ENV=ok/env.sh bash -c': ['sh', ['-c', 'BASH_ENV=' + path.resolve('ok/env.sh') + " bash -c '" + child('sh-assign') + "'"], base],
  'env BASH_ENV=ok/env.sh bash -c': ['env', ['BASH_ENV=' + path.resolve('ok/env.sh'), 'bash', '-c', child('env-assign')], base],
  'env BASH_FUNC_node%%= bash -c': ['env', ['BASH_FUNC_node%%=() { NODE_OPTIONS= command node "$@"; }', 'bash', '-c', child('env-func')], base],
  'control: bash -c': ['bash', ['-c', child('control')], base],
  'control: operator BASH_ENV': ['bash', ['-c', child('control-profile')], base],
};
const results = {};
for (const [label, [file, args, env]] of Object.entries(routes)) {
  if (env === null) process.env.BASH_ENV = path.resolve('ok/env.sh');
  const r = cp.spawnSync(file, args, env === null ? { encoding: 'utf8' } : { encoding: 'utf8', env });
  if (env === null) process.env.BASH_ENV = base.BASH_ENV;
  results[label] = r.error ? { error: r.error.code, violation: r.error.violation } : { out: (r.stdout + r.stderr).trim() };
}
console.log('RESULTS ' + JSON.stringify(results));
`;

const CHILD = String.raw`
const label = process.argv[2];
try { require('node:fs').writeFileSync(require('node:path').join(__dirname, 'denied', label), 'x'); console.log(label, 'WROTE'); }
catch (e) { console.log(label, e.code, 'profile=' + (process.env.FROM_PROFILE ?? 'none')); }
`;

const REFUSED: [string, string][] = [
  ['bash BASH_ENV', 'bash-env'], ['bash BASH_FUNC_node%%', 'bash-func'],
  ['sh -c bash BASH_ENV', 'sh-bash-env'], ['process.env.BASH_ENV', 'process-env'], ['sh -c BASH_ENV=ok/env.sh bash -c', 'sh-assign'],
  ['env BASH_ENV=ok/env.sh bash -c', 'env-assign'], ['env BASH_FUNC_node%%= bash -c', 'env-func'],
];

describe.each(LAUNCH_MODES)('bash start-up variables in a child environment, production policy (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'child.cjs': CHILD, 'denied/.keep': '', 'ok/.keep': '', 'profile.sh': 'export FROM_PROFILE=1\n' } });
  afterAll(() => removeProject(dir));
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    env: { BASH_ENV: join(dir, 'profile.sh') },
    policy: writeOnlyInOkPolicy(dir, { rules: [
      { id: 'tools', action: 'process_spawn', target: ['**/sh', '**/bash', '**/env', process.execPath], effect: 'allow' },
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

  it('positive control: plain bash -c starts a governed child, whose write is refused and logged', () => {
    expect(results['control: bash -c']).toEqual({ out: 'control EGOVDENIED profile=1' });
    expect(existsSync(join(dir, 'denied', 'control'))).toBe(false);
    expect(run.entries().some((e) => e.action === 'file_write' && e.target === join(dir, 'denied', 'control') && e.decision === 'deny')).toBe(true);
  });

  it('positive control: the BASH_ENV this process started with still reaches bash', () => {
    expect(results['control: operator BASH_ENV']).toEqual({ out: 'control-profile EGOVDENIED profile=1' });
  });
});

// PS4 is expanded before each traced command, `$(...)` included, and SHELLOPTS=xtrace (or `bash -x`) turns tracing on:
// `PS4='$(NODE_OPTIONS= <node> child.cjs)'` ran the child without the preload from a `bash -xc true`. Bash ignores PS4
// from the environment when it runs as root, so the traced shell runs as nobody here (uid 65534), which needs the
// project readable and `denied/` writable by it. Root only: the spawn's `uid` needs the privilege.
const PS4_APP = String.raw`
const cp = require('node:child_process');
const path = require('node:path');
const traced = (label) => ({ ...process.env, SHELLOPTS: 'xtrace', PS4: '$(NODE_OPTIONS= "' + process.execPath + '" ' + path.resolve('child.cjs') + ' ' + label + ' >&2)' });
const command = (label) => '"' + process.execPath + '" ' + path.resolve('child.cjs') + ' ' + label;
const nobody = { uid: 65534, gid: 65534 };
const routes = {
  'bash -c PS4 SHELLOPTS=xtrace': ['bash', ['-c', command('ps4-command')], { env: traced('ps4'), ...nobody }],
  'control: bash -c': ['bash', ['-c', command('ps4-control')], {}],
};
const results = {};
for (const [label, [file, args, options]] of Object.entries(routes)) {
  const r = cp.spawnSync(file, args, { encoding: 'utf8', ...options });
  results[label] = r.error ? { error: r.error.code, violation: r.error.violation } : { out: (r.stdout + r.stderr).trim() };
}
console.log('RESULTS ' + JSON.stringify(results));
`;

const PS4_CHILD = String.raw`
const label = process.argv[2];
try { require('node:fs').writeFileSync(require('node:path').join(__dirname, 'denied', label), 'x'); console.log(label, 'WROTE'); }
catch (e) { console.log(label, e.code); }
`;

describe.runIf(process.getuid?.() === 0).each(LAUNCH_MODES)('PS4 in a child environment, production policy (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': PS4_APP, 'child.cjs': PS4_CHILD, 'denied/.keep': '' } });
  chmodSync(dir, 0o755);
  chmodSync(join(dir, 'denied'), 0o777);
  afterAll(() => removeProject(dir));
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    policy: writeOnlyInOkPolicy(dir, { rules: [{ id: 'tools', action: 'process_spawn', target: ['**/bash', process.execPath], effect: 'allow' }] }),
  });
  const results = routeResults<Record<string, { error?: string; violation?: string; out?: string }>>(run);

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it('PS4 with SHELLOPTS=xtrace: refused as runtime_bypass and logged, no ungoverned child wrote', () => {
    expect(results['bash -c PS4 SHELLOPTS=xtrace'], JSON.stringify(results)).toMatchObject({ error: 'EGOVDENIED', violation: 'runtime_bypass' });
    expect(existsSync(join(dir, 'denied', 'ps4'))).toBe(false);
    expect(run.entries().some((e) => e.action === 'process_spawn' && e.target === 'shell:PS4' && e.violation === 'runtime_bypass' && e.decision === 'deny')).toBe(true);
  });

  it('positive control: a plain bash -c starts a governed child, whose write is refused', () => {
    expect(results['control: bash -c']).toEqual({ out: 'ps4-control EGOVDENIED' });
    expect(existsSync(join(dir, 'denied', 'ps4-control'))).toBe(false);
  });
});
