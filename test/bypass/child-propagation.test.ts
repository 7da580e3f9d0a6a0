// Every node child runs governed, however it is started: `env: {}`, a cleared NODE_OPTIONS, fork with a
// custom execPath, a shell, execFileSync(process.execPath), an environment pointing at a permissive
// policy. Each child tries a denied write (the file must stay absent and the denial be in the shared
// audit log, written by the child's own pid) and an allowed one (it ran and still works). Debug flags
// (`--inspect*`, `--expose-internals`) in a child's arguments, fork's execArgv, its NODE_OPTIONS or a
// shell command are refused unless the policy allows them; a refused child never runs. A flag the spawn
// cannot see (a shell variable) is refused by the child itself as it starts.
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject, writeProjectFiles } from '../helpers/governed-run';
import { printedResults } from '../helpers/route-results';

const CHILD = String.raw`
const fs = require('node:fs'), path = require('node:path');
const label = process.argv[2];
fs.writeFileSync(path.join(__dirname, 'allowed', label), String(process.pid));
let outcome = 'WROTE';
try { fs.writeFileSync(path.join(__dirname, 'forbidden', label), 'x'); } catch (e) { outcome = e.code; }
process.stdout.write('CHILD ' + outcome + '\n');
`;

// process.execve (Node 22.15+) replaces the process: run in a governed child of its own.
const EXECVE = String.raw`
const path = require('node:path');
const [mode, label] = process.argv.slice(2);
if (mode === 'denied') {
  try { process.execve('/usr/bin/touch', ['touch', path.join(__dirname, 'allowed', label)]); } catch (e) { process.stdout.write('EXECVE ' + e.code + '\n'); }
} else if (mode === 'getter') {
  // Index 0 answers a number to the first read (governance's) and a string to every later one (Node's).
  const list = ['touch', path.join(__dirname, 'allowed', label)];
  let reads = 0;
  Object.defineProperty(list, 0, { get: () => (++reads === 1 ? 1 : 'touch') });
  try { process.execve('/usr/bin/touch', list); } catch (e) { process.stdout.write('EXECVE ' + e.code + '\n'); }
} else if (mode === 'shell-setter') {
  // A setter on Object.prototype that swallows NODE_OPTIONS, and a shell between: its node must still run governed.
  Object.defineProperty(Object.prototype, 'NODE_OPTIONS', { configurable: true, set() {}, get() { return undefined; } });
  const node = process.execPath, child = path.join(__dirname, 'child.cjs');
  process.execve('/bin/sh', ['sh', '-c', '"' + node + '" "' + child + '" "' + label + '"'], { PATH: '/usr/bin:/bin' });
} else {
  process.execve(process.execPath, [process.execPath, path.join(__dirname, 'child.cjs'), label], {});
}
`;

const APP = String.raw`
const cp = require('node:child_process'), path = require('node:path');
const here = process.cwd(), node = process.execPath, child = path.join(here, 'child.cjs');
const shellPath = path.dirname(node) + ':/usr/bin:/bin';
const results = {};
const text = (out) => String(out || '').trim();
function sync(label, fn) {
  try {
    const out = fn(label);
    results[label] = out && out.error ? { error: out.error.code, message: out.error.message } : { out: text(out && out.stdout !== undefined ? out.stdout : out) };
  } catch (e) { results[label] = { error: e.code, message: String(e.message) }; }
}
function async(label, fn) {
  return new Promise((resolve) => {
    let out = '';
    const c = fn(label);
    c.stdout && c.stdout.on('data', (d) => { out += d; });
    c.on('error', (e) => { results[label] = { error: e.code, message: e.message }; resolve(); });
    c.on('close', () => { results[label] ??= { out: text(out) }; resolve(); });
  });
}
(async () => {
  sync('spawnSync with env {}', (l) => cp.spawnSync(node, [child, l], { env: {}, encoding: 'utf8' }));
  await async('spawn with NODE_OPTIONS cleared', (l) => cp.spawn(node, [child, l], { env: { ...process.env, NODE_OPTIONS: '' } }));
  sync('spawnSync after delete process.env.NODE_OPTIONS', (l) => { delete process.env.NODE_OPTIONS; return cp.spawnSync(node, [child, l], { encoding: 'utf8' }); });
  await async('fork with a custom execPath', (l) => cp.fork(child, [l], { execPath: path.join(here, 'bin', 'mynode'), execArgv: [], env: {}, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] }));
  sync('execSync through sh -c', (l) => cp.execSync('node ' + child + ' "' + l + '"', { env: { PATH: shellPath }, encoding: 'utf8' }));
  sync('sh -c with env {}', (l) => cp.spawnSync('/bin/sh', ['-c', '"' + node + '" ' + child + ' "' + l + '"'], { env: {}, encoding: 'utf8' }));
  sync('execFileSync(process.execPath)', (l) => cp.execFileSync(process.execPath, [child, l], { env: {}, encoding: 'utf8' }));
  sync('env pointing at a permissive policy', (l) => cp.spawnSync(node, [child, l], { env: { MLTRAINER_GOVERNANCE_CONFIG: path.join(here, 'permissive.json'), MLTRAINER_ENFORCEMENT_LEVEL: 'development' }, encoding: 'utf8' }));
  sync('sh -c under index accessors that hide NODE_OPTIONS', (l) => {
    // Accessors on Array.prototype that store what is written to an index an array does not have yet and answer
    // it back, except a NODE_OPTIONS entry, which reads as another variable: a child environment built by pushing
    // entries would reach the shell without the preload.
    const stored = new WeakMap();
    const indices = Array.from({ length: 64 }, (_, i) => String(i));
    for (const i of indices) Object.defineProperty(Array.prototype, i, { configurable: true,
      set(v) { let m = stored.get(this); if (!m) stored.set(this, (m = new Map())); m.set(i, v); },
      get() { const v = stored.get(this)?.get(i); return typeof v === 'string' && v.startsWith('NODE_OPTIONS=') ? 'HIDDEN=1' : v; } });
    try { return cp.spawnSync('/bin/sh', ['-c', '"' + node + '" ' + child + ' "' + l + '"'], { env: {}, encoding: 'utf8' }); }
    finally { for (const i of indices) delete Array.prototype[i]; }
  });
  sync('spawnSync with env {} after poisoning built-ins', (l) => {
    const saved = [Array.prototype[Symbol.iterator], String.prototype.startsWith, String.prototype.indexOf, String.prototype.slice, Object.keys, RegExp.prototype.exec];
    Array.prototype[Symbol.iterator] = function* () {};
    String.prototype.startsWith = () => false;
    String.prototype.indexOf = () => -1;
    String.prototype.slice = () => '';
    Object.keys = () => [];
    RegExp.prototype.exec = () => null;
    try { return cp.spawnSync(node, [child, l], { env: {}, encoding: 'utf8' }); }
    finally {
      Array.prototype[Symbol.iterator] = saved[0]; String.prototype.startsWith = saved[1]; String.prototype.indexOf = saved[2];
      String.prototype.slice = saved[3]; Object.keys = saved[4]; RegExp.prototype.exec = saved[5];
    }
  });
  sync('grandchild through two shells', (l) => cp.execSync("sh -c 'node " + child + ' "' + l + '"' + "'", { env: { PATH: shellPath }, encoding: 'utf8' }));

  sync('flag: --inspect in args', (l) => cp.spawnSync(node, ['--inspect=0', child, l], { encoding: 'utf8' }));
  sync('flag: --inspect-brk after -r', (l) => cp.spawnSync(node, ['-r', './child-noop.cjs', '--inspect-brk=0', child, l], { encoding: 'utf8' }));
  await async('flag: --inspect-brk in fork execArgv', (l) => cp.fork(child, [l], { execArgv: ['--inspect-brk=0'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] }));
  sync('flag: --expose_internals in args', (l) => cp.spawnSync(node, ['--expose_internals', child, l], { encoding: 'utf8' }));
  sync('flag: --inspect in NODE_OPTIONS', (l) => cp.spawnSync(node, [child, l], { env: { NODE_OPTIONS: '--inspect=0' }, encoding: 'utf8' }));
  sync('flag: --expose-internals in NODE_OPTIONS through a shell', (l) => cp.spawnSync('/bin/sh', ['-c', 'node ' + child + ' "' + l + '"'], { env: { PATH: shellPath, NODE_OPTIONS: '--expose-internals' }, encoding: 'utf8' }));
  sync('flag: --inspect in a shell command', (l) => cp.execSync('node --inspect=0 ' + child + ' "' + l + '"', { env: { PATH: shellPath }, encoding: 'utf8' }));
  const hidden = cp.spawnSync('/bin/sh', ['-c', 'node $FLAG ' + child + ' "flag hidden in a shell variable"'], { env: { PATH: shellPath, FLAG: '--inspect=0' }, encoding: 'utf8' });
  results['flag hidden in a shell variable'] = { status: hidden.status };
  if (typeof process.execve === 'function') {
    sync('process.execve of node with env {}', (l) => cp.spawnSync(node, [path.join(here, 'execve.cjs'), 'node', l], { encoding: 'utf8' }));
    sync('process.execve of a denied program', (l) => cp.spawnSync(node, ['--no-warnings', path.join(here, 'execve.cjs'), 'denied', l], { encoding: 'utf8' }));
    sync('process.execve of a shell while a setter swallows NODE_OPTIONS', (l) => cp.spawnSync(node, ['--no-warnings', path.join(here, 'execve.cjs'), 'shell-setter', l], { encoding: 'utf8' }));
    sync('process.execve with an index getter on its arguments', (l) => cp.spawnSync(node, ['--no-warnings', path.join(here, 'execve.cjs'), 'getter', l], { encoding: 'utf8' }));
  }
  sync('allowed flag: --inspect-port', (l) => cp.spawnSync(node, ['--inspect-port=0', child, l], { env: {}, encoding: 'utf8' }));
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
})();
`;

const PROPAGATION = [
  'spawnSync with env {}',
  'spawn with NODE_OPTIONS cleared',
  'spawnSync after delete process.env.NODE_OPTIONS',
  'fork with a custom execPath',
  'execSync through sh -c',
  'sh -c with env {}',
  'execFileSync(process.execPath)',
  'env pointing at a permissive policy',
  'grandchild through two shells',
  'sh -c under index accessors that hide NODE_OPTIONS',
  'spawnSync with env {} after poisoning built-ins',
];

const FLAGS: Record<string, string> = {
  'flag: --inspect in args': '--inspect',
  'flag: --inspect-brk after -r': '--inspect-brk',
  'flag: --inspect-brk in fork execArgv': '--inspect-brk',
  'flag: --expose_internals in args': '--expose-internals',
  'flag: --inspect in NODE_OPTIONS': '--inspect',
  'flag: --expose-internals in NODE_OPTIONS through a shell': '--expose-internals',
  'flag: --inspect in a shell command': '--inspect',
};

const HAS_EXECVE = typeof (process as { execve?: unknown }).execve === 'function';

interface Outcome {
  out?: string;
  error?: string;
  message?: string;
}

function prepare(): string {
  const dir = createProject({ files: { 'child.cjs': CHILD, 'child-noop.cjs': '', 'app.cjs': APP, 'execve.cjs': EXECVE } });
  for (const sub of ['allowed', 'forbidden', 'bin']) mkdirSync(join(dir, sub));
  symlinkSync(process.execPath, join(dir, 'bin', 'mynode'));
  writeFileSync(join(dir, 'permissive.json'), JSON.stringify({ level: 'development', default: 'allow', stateDir: '.governance-permissive', rules: [] }));
  writeProjectFiles(dir, {
    policy: {
      level: 'production',
      default: 'deny',
      rules: [
        { id: 'read-code', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
        { id: 'allowed-dir', action: 'file_write', target: `${dir}/allowed/**`, effect: 'allow' },
        { id: 'node-and-shells', action: 'process_spawn', target: [process.execPath, join(dir, 'bin', 'mynode'), 'sh'], effect: 'allow' },
        { id: 'inspect-port', action: 'code_eval', target: 'node-flag:--inspect-port', effect: 'allow' },
      ],
    },
  });
  return dir;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeProject));

describe.each(LAUNCH_MODES)('node children run governed (%s)', (mode) => {
  const dir = prepare();
  dirs.push(dir);
  const run = governedRun({ dir, mode, entry: 'app.cjs', timeoutMs: 60_000 });
  const results = printedResults<Record<string, Outcome>>(run);
  const entries = run.entries();
  const parentPid = entries.find((e) => e.action === 'process_spawn')?.pid;

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(Object.keys(results)).toHaveLength(PROPAGATION.length + Object.keys(FLAGS).length + 2 + (HAS_EXECVE ? 4 : 0));
  });

  it.each(PROPAGATION)('%s: the child ran governed', (label) => {
    expect(results[label], JSON.stringify(results[label])).toEqual({ out: 'CHILD EGOVDENIED' });
    expect(existsSync(join(dir, 'forbidden', label))).toBe(false);
    expect(existsSync(join(dir, 'allowed', label))).toBe(true);
    const denial = entries.find((e) => e.action === 'file_write' && e.decision === 'deny' && e.target === join(dir, 'forbidden', label));
    expect(denial, 'denial in the shared audit log').toBeDefined();
    expect(denial!.pid).not.toBe(parentPid);
    expect(denial!.level).toBe('production');
  });

  it.each(Object.keys(FLAGS))('%s: refused, the child never ran', (label) => {
    expect(results[label].error, JSON.stringify(results[label])).toBe('EGOVDENIED');
    expect(results[label].message).toContain(`code_eval:node-flag:${FLAGS[label]}`);
    expect(existsSync(join(dir, 'allowed', label))).toBe(false);
    expect(entries.some((e) => e.action === 'code_eval' && e.target === `node-flag:${FLAGS[label]}` && e.decision === 'deny' && e.violation === 'runtime_bypass')).toBe(true);
  });

  it('a flag the spawn cannot see is refused by the child as it starts', () => {
    expect(results['flag hidden in a shell variable']).toEqual({ status: 78 });
    expect(existsSync(join(dir, 'allowed', 'flag hidden in a shell variable'))).toBe(false);
    const refusal = entries.find((e) => e.target === 'node-flag:--inspect' && e.decision === 'deny' && e.pid !== parentPid);
    expect(refusal, 'refused in the child, recorded in the shared log').toBeDefined();
    expect(refusal!.violation).toBe('runtime_bypass');
  });

  it.runIf(HAS_EXECVE)('process.execve is decided and the program it becomes runs governed', () => {
    expect(results['process.execve of a denied program']).toEqual({ out: 'EXECVE EGOVDENIED' });
    expect(existsSync(join(dir, 'allowed', 'process.execve of a denied program'))).toBe(false);
    expect(entries.some((e) => e.action === 'process_spawn' && e.decision === 'deny' && e.target === '/usr/bin/touch')).toBe(true);
    const label = 'process.execve of node with env {}';
    expect(results[label]).toEqual({ out: 'CHILD EGOVDENIED' });
    expect(existsSync(join(dir, 'forbidden', label))).toBe(false);
    expect(existsSync(join(dir, 'allowed', label))).toBe(true);
    expect(entries.some((e) => e.action === 'file_write' && e.decision === 'deny' && e.target === join(dir, 'forbidden', label))).toBe(true);
  });

  it.runIf(HAS_EXECVE)('process.execve of a shell keeps its node governed while a setter on Object.prototype swallows NODE_OPTIONS', () => {
    const label = 'process.execve of a shell while a setter swallows NODE_OPTIONS';
    expect(results[label]).toEqual({ out: 'CHILD EGOVDENIED' });
    expect(existsSync(join(dir, 'forbidden', label))).toBe(false);
    expect(existsSync(join(dir, 'allowed', label))).toBe(true);
  });

  it.runIf(HAS_EXECVE)('process.execve hands Node the arguments it checked: an index getter gets Node\'s own refusal, nothing runs', () => {
    const label = 'process.execve with an index getter on its arguments';
    expect(results[label]).toEqual({ out: 'EXECVE ERR_INVALID_ARG_VALUE' });
    expect(existsSync(join(dir, 'allowed', label))).toBe(false);
  });

  it('a debug flag the policy allows is passed on (positive control)', () => {
    expect(results['allowed flag: --inspect-port']).toEqual({ out: 'CHILD EGOVDENIED' });
    expect(existsSync(join(dir, 'allowed', 'allowed flag: --inspect-port'))).toBe(true);
    expect(entries.some((e) => e.target === 'node-flag:--inspect-port' && e.decision === 'allow')).toBe(true);
  });

  it('the permissive policy named in the child env was never used', () => {
    expect(existsSync(join(dir, '.governance-permissive'))).toBe(false);
  });
});

// A shell's -c command is read past options that take an argument, and may not change the variables governance
// gives what it starts. Before: `sh -o errexit -c CMD` skipped the first-word check (the scan stopped at `errexit`),
// and `NODE_OPTIONS= node`, `env -u NODE_OPTIONS node` or `MLTRAINER_GOVERNANCE_CONFIG=<permissive> node` in the
// command started a node grandchild without the preload or under another policy. Now the first is decided on its
// first word, the others are refused as runtime_bypass; none ran.
const SHELL_APP = String.raw`
const cp = require('node:child_process'), path = require('node:path');
const here = process.cwd(), node = process.execPath, child = path.join(here, 'child.cjs');
const env = { PATH: path.dirname(node) + ':/usr/bin:/bin' };
const results = {};
function shell(label, args) {
  const out = cp.spawnSync('/bin/sh', args(label), { env, encoding: 'utf8' });
  results[label] = out.error ? { error: out.error.code, violation: out.error.violation, message: out.error.message } : { out: String(out.stdout).trim() };
}
const run = (prefix) => (l) => ['-c', prefix + ' "' + node + '" "' + child + '" "' + l + '"'];
shell('sh -o errexit -c touch', (l) => ['-o', 'errexit', '-c', 'touch "' + path.join(here, 'allowed', l) + '"']);
shell('sh +o errexit -c touch', (l) => ['+o', 'errexit', '-c', 'touch "' + path.join(here, 'allowed', l) + '"']);
shell('NODE_OPTIONS= node', run('NODE_OPTIONS='));
shell('a later command with NODE_OPTIONS= node', (l) => ['-c', 'true; NODE_OPTIONS="" "' + node + '" "' + child + '" "' + l + '"']);
shell('MLTRAINER_GOVERNANCE_CONFIG=<permissive> node', run('MLTRAINER_GOVERNANCE_CONFIG=' + path.join(here, 'permissive.json')));
shell('env NODE_OPTIONS= node', run('env NODE_OPTIONS='));
// Found after the first fix: a line continuation inside the name, and builtins that assign without NAME=.
shell('NODE_OPT<backslash-newline>IONS= node', (l) => ['-c', 'NODE_OPT\\\nIONS= "' + node + '" "' + child + '" "' + l + '"']);
shell('read NODE_OPTIONS; node', (l) => ['-c', 'read NODE_OPTIONS </dev/null; "' + node + '" "' + child + '" "' + l + '"']);
shell('for NODE_OPTIONS in ""; node', (l) => ['-c', 'for NODE_OPTIONS in ""; do "' + node + '" "' + child + '" "' + l + '"; done']);
shell('env -u NODE_OPTIONS node', run('env -u NODE_OPTIONS'));
shell('env -i node', run('env -i'));
shell('positive: sh -o errexit -c node', (l) => ['-o', 'errexit', ...run('')(l)]);
shell('positive: a command that reads NODE_OPTIONS', (l) => ['-c', '"' + node + '" "' + child + '" "' + l + '" "$NODE_OPTIONS" "$\{MLTRAINER_GOVERNANCE_CONFIG}"']);
process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
`;

const SHELL_REFUSED = ['NODE_OPT<backslash-newline>IONS= node', 'read NODE_OPTIONS; node', 'for NODE_OPTIONS in ""; node', 'NODE_OPTIONS= node', 'a later command with NODE_OPTIONS= node', 'MLTRAINER_GOVERNANCE_CONFIG=<permissive> node', 'env NODE_OPTIONS= node', 'env -u NODE_OPTIONS node', 'env -i node'];
const SHELL_FIRST_WORD = ['sh -o errexit -c touch', 'sh +o errexit -c touch'];

describe.each(LAUNCH_MODES)('shell commands that hide their program or change the child environment (%s)', (mode) => {
  const dir = prepare();
  dirs.push(dir);
  writeProjectFiles(dir, {
    files: { 'shell.cjs': SHELL_APP },
    policy: {
      level: 'production',
      default: 'deny',
      rules: [
        { id: 'read-code', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
        { id: 'allowed-dir', action: 'file_write', target: `${dir}/allowed/**`, effect: 'allow' },
        { id: 'node-shell-env', action: 'process_spawn', target: [process.execPath, 'sh', 'env'], effect: 'allow' },
      ],
    },
  });
  const run = governedRun({ dir, mode, entry: 'shell.cjs', timeoutMs: 60_000 });
  const results = printedResults<Record<string, Outcome & { violation?: string }>>(run);

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(SHELL_FIRST_WORD)('%s: the -c command past an option argument is decided on its first word, refused', (label) => {
    expect(results[label], JSON.stringify(results[label])).toMatchObject({ error: 'EGOVDENIED' });
    expect(results[label].message).toContain('process_spawn:/usr/bin/touch');
    expect(existsSync(join(dir, 'allowed', label))).toBe(false);
  });

  it.each(SHELL_REFUSED)('%s: refused as runtime_bypass, the grandchild never ran', (label) => {
    expect(results[label], JSON.stringify(results[label])).toMatchObject({ error: 'EGOVDENIED', violation: 'runtime_bypass' });
    expect(existsSync(join(dir, 'forbidden', label))).toBe(false);
    expect(existsSync(join(dir, 'allowed', label))).toBe(false);
  });

  it('the refusals are in the log; the permissive policy was never used', () => {
    const entries = run.entries();
    expect(entries.filter((e) => e.action === 'process_spawn' && e.decision === 'deny' && e.violation === 'runtime_bypass').length).toBeGreaterThanOrEqual(SHELL_REFUSED.length);
    expect(entries.filter((e) => e.action === 'process_spawn' && e.decision === 'deny' && e.target === '/usr/bin/touch')).toHaveLength(SHELL_FIRST_WORD.length);
    expect(existsSync(join(dir, '.governance-permissive'))).toBe(false);
  });

  it.each(['positive: sh -o errexit -c node', 'positive: a command that reads NODE_OPTIONS'])('%s: runs, governed', (label) => {
    expect(results[label]).toEqual({ out: 'CHILD EGOVDENIED' });
    expect(existsSync(join(dir, 'allowed', label))).toBe(true);
  });
});
