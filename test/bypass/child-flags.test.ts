// Node flags and variables that make a governed child write or read files, or load native code, in C++ where
// its own hooks cannot see: profiles, V8 logs, reports, heap snapshots, trace files, redirected warnings, env
// files read into its environment, OpenSSL configuration, coverage directories. Under a production policy that
// allows none of them, every road (arguments, fork's execArgv, NODE_OPTIONS, a shell command, `_` spellings,
// NODE_V8_COVERAGE, NODE_COMPILE_CACHE, OPENSSL_CONF, the loader's LD_DEBUG_OUTPUT and LD_PROFILE; one-dash V8 flags; `--run`, whose package.json script the shell runs) is refused at the spawn, nothing lands in out/, and each refusal is in the audit log.
// Positive control: a flag the policy allows works, and writes its profile.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createProject, governedRun, LAUNCH_MODES, PACKAGE_NAME, removeProject } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const cp = require('node:child_process'), path = require('node:path');
const here = process.cwd(), node = process.execPath, out = path.join(here, 'out');
const results = {};
async function attempt(label, fn) {
  try { await fn(); results[label] = { outcome: 'done' }; }
  catch (e) { results[label] = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
}
const run = (args, options) => { const r = cp.spawnSync(node, [...args, '-e', '0'], { cwd: here, ...options }); if (r.error) throw r.error; if (r.status !== 0) throw new Error(String(r.stderr)); };
(async () => {
  await attempt('--cpu-prof', () => run(['--cpu-prof', '--cpu-prof-dir=' + out]));
  await attempt('a flag value as the next argument', () => run(['--cpu-prof-dir', out, '--cpu-prof']));
  await attempt('--prof', () => run(['--prof'], { cwd: out }));
  await attempt('V8 --logfile', () => run(['--log-all', '--logfile=' + path.join(out, 'v8.log')]));
  // Node hands V8 every flag it does not know, and V8 reads one dash as two: -logfile wrote out/one-dash.log.
  await attempt('V8 flag with one dash', () => run(['-logfile=' + path.join(out, 'one-dash.log'), '-no-logfile-per-isolate', '-log']));
  await attempt('V8 flag with one dash in a shell command', () => cp.execSync(JSON.stringify(node) + ' -prof -e 0', { cwd: out }));
  await attempt('V8 --trace-turbo-cfg-file', () => run(['--trace-turbo-cfg-file=' + path.join(out, 'turbo.cfg'), '--trace-turbo']));
  await attempt('V8 --redirect-code-traces-to', () => run(['--redirect-code-traces-to=' + path.join(out, 'code.txt'), '--redirect-code-traces', '--print-opt-code']));
  await attempt('V8 --experimental-wasm-pgo-to-file', () => run(['--experimental-wasm-pgo-to-file'], { cwd: out }));
  await attempt('--report-on-signal', () => run(['--report-on-signal', '--report-directory=' + out]));
  await attempt('--heapsnapshot-near-heap-limit', () => run(['--heapsnapshot-near-heap-limit=1', '--diagnostic-dir=' + out]));
  await attempt('--trace-event-categories', () => run(['--trace-event-categories=node', '--trace-event-file-pattern=' + path.join(out, 'trace.log')]));
  await attempt('--redirect-warnings', () => run(['--redirect-warnings=' + path.join(out, 'warnings.txt')]));
  await attempt('--env-file', () => run(['--env-file=' + path.join(here, 'secret.env')]));
  await attempt('--openssl-config', () => run(['--openssl-config=' + path.join(here, 'openssl.cnf')]));
  // Node 20 reads a policy manifest before any preload, and prints the line a JSON error is on: the file's first line.
  if (process.allowedNodeEnvironmentFlags.has('--experimental-policy')) await attempt('--experimental-policy', () => run(['--experimental-policy=' + path.join(here, 'secret.env')]));
  await attempt('underscore spelling', () => run(['--cpu_prof', '--cpu_prof_dir=' + out]));
  await attempt('fork execArgv', () => new Promise((resolve, reject) => {
    const child = cp.fork(path.join(here, 'child.cjs'), [], { execArgv: ['--cpu-prof', '--cpu-prof-dir=' + out] });
    child.on('error', reject);
    child.on('exit', resolve);
  }));
  await attempt('NODE_OPTIONS', () => run([], { env: { ...process.env, NODE_OPTIONS: '--cpu-prof --cpu-prof-dir=' + out } }));
  await attempt('shell command', () => cp.execSync(JSON.stringify(node) + ' --cpu-prof --cpu-prof-dir=' + out + ' -e 0', { cwd: here }));
  // Spelled so that no word of the command is the flag: only the child sees it, once the shell has expanded it.
  await attempt('flag hidden in a shell variable', () => cp.execSync('R=redirect-warnings; ' + JSON.stringify(node) + ' --$R=' + JSON.stringify(path.join(out, 'warnings.txt')) + ' -e "require(\'fs\').writeFileSync(\'hidden-ran.txt\', \'ran\')"', { cwd: here, stdio: 'pipe' }));
  await attempt('NODE_V8_COVERAGE', () => run([], { env: { ...process.env, NODE_V8_COVERAGE: out } }));
  await attempt('NODE_COMPILE_CACHE', () => run([], { env: { ...process.env, NODE_COMPILE_CACHE: out } }));
  // The dynamic loader of any child writes <file>.<pid> (LD_DEBUG_OUTPUT) or <dir>/<library>.profile (LD_PROFILE).
  const loaderRun = (variables) => { const r = cp.spawnSync('/bin/true', [], { cwd: here, env: { ...process.env, ...variables } }); if (r.error) throw r.error; };
  await attempt('LD_DEBUG_OUTPUT', () => loaderRun({ LD_DEBUG: 'files', LD_DEBUG_OUTPUT: path.join(out, 'ld-debug') }));
  await attempt('LD_PROFILE', () => loaderRun({ LD_PROFILE: 'libc.so.6', LD_PROFILE_OUTPUT: out }));
  await attempt('allowed LD_DEBUG_OUTPUT', () => loaderRun({ LD_DEBUG: 'files', LD_DEBUG_OUTPUT: path.join(here, 'profiles', 'ld-debug') }));
  await attempt('OPENSSL_CONF', () => run([], { env: { ...process.env, OPENSSL_CONF: 'openssl.cnf' } }));
  await attempt('--run', () => run(['--run', 'touch-out'], { cwd: path.join(here, 'scripts') }));
  await attempt('--experimental-vfs', () => run(['--experimental-vfs']));
  await attempt('--experimental-web-worker', () => run(['--experimental-web-worker']));
  await attempt('allowed flag', () => run(['--heap-prof', '--heap-prof-dir=' + path.join(here, 'profiles')]));
  await attempt('plain child', () => run([]));
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
})();
`;

const FLAGS: Record<string, string> = {
  '--cpu-prof': '--cpu-prof',
  'a flag value as the next argument': '--cpu-prof-dir',
  '--prof': '--prof',
  'V8 --logfile': '--log-all',
  'V8 flag with one dash': '--logfile',
  'V8 flag with one dash in a shell command': '--prof',
  'V8 --trace-turbo-cfg-file': '--trace-turbo-cfg-file',
  'V8 --redirect-code-traces-to': '--redirect-code-traces-to',
  'V8 --experimental-wasm-pgo-to-file': '--experimental-wasm-pgo-to-file',
  '--report-on-signal': '--report-on-signal',
  '--heapsnapshot-near-heap-limit': '--heapsnapshot-near-heap-limit',
  '--trace-event-categories': '--trace-event-categories',
  '--redirect-warnings': '--redirect-warnings',
  '--env-file': '--env-file',
  '--openssl-config': '--openssl-config',
  'underscore spelling': '--cpu-prof',
  'fork execArgv': '--cpu-prof',
  NODE_OPTIONS: '--cpu-prof',
  'shell command': '--cpu-prof',
  '--run': '--run',
  '--experimental-vfs': '--experimental-vfs',
  '--experimental-web-worker': '--experimental-web-worker',
  ...(process.allowedNodeEnvironmentFlags.has('--experimental-policy') ? { '--experimental-policy': '--experimental-policy' } : {}),
};

interface Outcome {
  outcome: string;
  code?: string;
  message?: string;
}

describe.each(LAUNCH_MODES)('file and native flags of node children under a production policy (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'child.cjs': '', 'out/.keep': '', 'profiles/.keep': '', 'secret.env': 'TOKEN=s3cr3t\n', 'openssl.cnf': '', 'scripts/package.json': '{ "scripts": { "touch-out": "touch ../out/ran-script" } }' } });
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    policy: {
      level: 'production',
      default: 'deny',
      rules: [
        { id: 'work', action: ['file_read', 'module_load', 'process_spawn'], target: '**', effect: 'allow' },
        { id: 'write', action: 'file_write', target: `${dir}/**`, effect: 'allow' },
        { id: 'no-out', action: 'file_write', target: [`${dir}/out`, `${dir}/out/**`], effect: 'deny' },
        { id: 'profiling', action: 'code_eval', target: 'node-flag:--heap-prof*', effect: 'allow' },
        // The children run `node -e 0`: a string program, itself a code_eval of the child.
        { id: 'children', action: 'code_eval', target: 'node-flag:--eval', effect: 'allow' },
      ],
    },
  });
  const outcomes = run.status === 0 ? routeResults<Record<string, Outcome>>(run) : {};
  const entries = run.entries();
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(Object.entries(FLAGS))('%s is refused as code_eval:node-flag:%s', (label, flag) => {
    expect(outcomes[label], JSON.stringify(outcomes[label])).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(outcomes[label].message).toContain(`code_eval:node-flag:${flag}`);
    expect(entries.some((e) => e.action === 'code_eval' && e.target === `node-flag:${flag}` && e.decision === 'deny')).toBe(true);
  });

  it('a flag hidden in a shell variable is refused by the child itself: it exits 78 before its code runs', () => {
    expect(outcomes['flag hidden in a shell variable'], JSON.stringify(outcomes['flag hidden in a shell variable'])).toMatchObject({ outcome: 'thrown' });
    expect(outcomes['flag hidden in a shell variable'].message).toContain('code_eval:node-flag:--redirect-warnings');
    expect(existsSync(join(dir, 'hidden-ran.txt'))).toBe(false);
    const parent = entries.find((e) => e.action === 'process_spawn')!.pid;
    expect(entries.some((e) => e.action === 'code_eval' && e.target === 'node-flag:--redirect-warnings' && e.decision === 'deny' && e.pid !== parent)).toBe(true);
  });

  it.each(['NODE_V8_COVERAGE', 'NODE_COMPILE_CACHE', 'LD_DEBUG_OUTPUT', 'LD_PROFILE'])('a child\'s %s is decided as file_write', (variable) => {
    expect(outcomes[variable]).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(outcomes[variable].message).toContain(`file_write:${dir}/out`);
  });

  it('a child\'s OPENSSL_CONF is decided as native_addon of the file, from the child\'s directory', () => {
    expect(outcomes.OPENSSL_CONF).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(outcomes.OPENSSL_CONF.message).toContain(`native_addon:${dir}/openssl.cnf`);
  });

  it('no child printed the env file', () => {
    expect(JSON.stringify(outcomes)).not.toContain('s3cr3t');
  });

  it('nothing was written to out/', () => {
    expect(readdirSync(join(dir, 'out'))).toEqual(['.keep']);
  });

  it('positive controls: an allowed flag runs and writes its profile; a plain child runs', () => {
    expect(outcomes['allowed flag']).toEqual({ outcome: 'done' });
    expect(readdirSync(join(dir, 'profiles')).some((name) => name.endsWith('.heapprofile'))).toBe(true);
    expect(outcomes['allowed LD_DEBUG_OUTPUT']).toEqual({ outcome: 'done' });
    expect(readdirSync(join(dir, 'profiles')).some((name) => name.startsWith('ld-debug.'))).toBe(true);
    expect(outcomes['plain child']).toEqual({ outcome: 'done' });
  });
});

// Started by hand (or by a shell expanding a variable) with a flag that switches on an API governance does not
// govern, a governed process refuses to run on. Only where this Node knows the flag (node:vfs is Node 26's).
const HAS_VFS = process.allowedNodeEnvironmentFlags.has('--experimental-vfs');

describe.skipIf(!HAS_VFS)('a process started with an ungoverned API switched on', () => {
  if (!HAS_VFS) return; // a skipped suite's body still runs to collect it: start no process
  const dir = createProject({
    files: { 'app.cjs': "process.stdout.write('RAN');\n" },
    policy: { level: 'production', default: 'allow', rules: [{ id: 'no-vfs', action: 'code_eval', target: 'node-flag:--experimental-vfs', effect: 'deny' }] },
  });
  afterAll(() => removeProject(dir));

  it('exits with 78 before the program runs, and the refusal is recorded', () => {
    const run = spawnSync(process.execPath, ['--experimental-vfs', '--require', PACKAGE_NAME, 'app.cjs'], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(run.status).toBe(78);
    expect(run.stdout).not.toContain('RAN');
    expect(run.stderr).toContain('node-flag:--experimental-vfs');
  });
});
