// Tampering with governance from inside a governed program (production policy, three launch modes):
// poisoned prototypes, redefined or reassigned patches, originals read off wrappers, everything
// reachable through require.cache and the package's exports, a spoofed caller, and other roads to the
// fs functions. Each attempt is followed by a write into a forbidden directory: it must stay refused,
// recorded, and the directory empty. Late activation: references captured before governance was
// activated by user code are still governed for writes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, readAuditEntries, removeProject } from '../helpers/governed-run';
import { printedResults } from '../helpers/route-results';

const APP = String.raw`
const fs = require('node:fs'), path = require('node:path');
const [F] = process.argv.slice(2);
const packageRoot = path.dirname(path.dirname(require.resolve('@mltrainer/governance')));
const isPackageFile = (file) => file.startsWith(packageRoot + path.sep) && !file.includes(path.sep + 'node_modules' + path.sep);
const results = {};
let n = 0;
const write = () => fs.writeFileSync(path.join(F, 'w' + (++n)), 'stolen');
function attempt(label, tamper, undo) {
  let tampered = 'ok';
  try { tamper(); } catch (e) { tampered = e.name + ': ' + e.message; }
  let outcome;
  try { write(); outcome = { outcome: 'written' }; } catch (e) { outcome = { outcome: 'thrown', code: e && e.code }; }
  if (undo) undo();
  results[label] = { ...outcome, tampered };
}
function poison(proto, names, value) {
  const saved = {};
  for (const name of names) { saved[name] = proto[name]; proto[name] = value; }
  return () => { for (const name of names) proto[name] = saved[name]; };
}
let undo;
const distRoot = path.dirname(require.resolve('@mltrainer/governance'));
const isInternal = (file) => typeof file === 'string' && file.startsWith(path.join(distRoot, 'src') + path.sep) && !file.includes(path.sep + 'analysis' + path.sep);
const permissiveKernel = (rules) => ({ rules: new rules.RuleSet([{ id: 'all', action: ['file_write'], target: '**', effect: 'allow' }], 'allow'), level: 'production', actor: 'me', writer: null, loadCheck: null, onDecision() {}, onInternalError() {} });
const restartKernel = (load) => load(path.join(distRoot, 'src', 'kernel', 'gate.js')).startKernel(permissiveKernel(load(path.join(distRoot, 'src', 'rules', 'match.js'))));
// Before anything below loads a copy of its own: every internal module found here would be a live one.
attempt('a live internal module reached through require.cache, parent, children or symbol links', () => {
  const seen = new Set();
  let live = null;
  const visit = (m, via) => {
    if (live || !m || typeof m !== 'object' || seen.has(m)) return;
    seen.add(m);
    if (isInternal(m.filename)) { live = m; results.liveFoundVia = via + ' ' + m.filename; return; }
    try { visit(m.parent, via + '.parent'); } catch {}
    for (const child of m.children || []) visit(child, via + '.child');
    for (const symbol of Object.getOwnPropertySymbols(m)) { try { visit(m[symbol], via + '[' + String(symbol) + ']'); } catch {} }
  };
  for (const [file, m] of Object.entries(require.cache)) visit(m, file);
  visit(require.main, 'require.main');
  if (!live) throw new Error('no live internal module reachable from ' + seen.size + ' modules');
  restartKernel((file) => live.require(file));
});
attempt('String.prototype poisoned', () => { undo = poison(String.prototype, ['startsWith', 'endsWith', 'slice', 'indexOf', 'lastIndexOf', 'split', 'replace', 'toLowerCase', 'charCodeAt'], function () { return 'x'; }); }, () => undo());
attempt('Array.prototype poisoned', () => { undo = poison(Array.prototype, ['push', 'join', 'slice', 'includes', 'indexOf', 'map', 'filter'], function () { return []; }); }, () => undo());
attempt('Function.prototype.call/apply/bind poisoned', () => { undo = poison(Function.prototype, ['call', 'apply', 'bind'], function () { return null; }); }, () => undo());
attempt('RegExp.prototype poisoned', () => { undo = poison(RegExp.prototype, ['test', 'exec'], function () { return null; }); }, () => undo());
attempt('Map.prototype.get poisoned', () => { undo = poison(Map.prototype, ['get', 'has'], function () { return { effect: 'allow', ruleId: 'x', violation: null }; }); }, () => undo());
attempt('Object.defineProperty over the patch', () => Object.defineProperty(fs, 'writeFileSync', { value: () => {} }));
attempt('assignment over the patch', () => { fs.writeFileSync = () => {}; });
attempt('delete the patch', () => { if (!delete fs.writeFileSync) throw new Error('not deleted'); });
attempt('prototype swap of fs', () => Object.setPrototypeOf(fs, { writeFileSync: () => {} }));
attempt('originals read off the wrapper', () => {
  const found = [];
  for (const fn of [fs.writeFileSync, fs.realpathSync, fs.promises.writeFile, fs.exists]) {
    let object = fn;
    while (object && object !== Function.prototype) {
      for (const key of Reflect.ownKeys(object)) {
        const value = Reflect.getOwnPropertyDescriptor(object, key).value;
        if (typeof value === 'function' && value !== fn) found.push(value);
      }
      object = Object.getPrototypeOf(object);
    }
  }
  for (const candidate of found) { try { candidate(path.join(F, 'via-property'), 'x'); } catch {} }
  if (!require('node:fs').existsSync(path.join(F, 'via-property'))) throw new Error('no original reachable among ' + found.length + ' functions');
});
attempt('package modules in require.cache rewritten', () => {
  let changed = 0;
  for (const [file, entry] of Object.entries(require.cache)) {
    if (!isPackageFile(file) || !entry || !entry.exports) continue;
    for (const key of Object.keys(entry.exports)) {
      if (typeof entry.exports[key] !== 'function') continue;
      try { entry.exports[key] = () => null; if (entry.exports[key].toString() === '() => null') changed++; } catch {}
    }
  }
  if (changed === 0) throw new Error('no export could be replaced');
});
attempt('require.cache cleared and the package loaded again', () => {
  for (const file of Object.keys(require.cache)) if (isPackageFile(file)) delete require.cache[file];
  require('@mltrainer/governance');
});
attempt('Module._cache replaced', () => Object.defineProperty(require('node:module'), '_cache', { value: {} }));
attempt('fs through process.getBuiltinModule', () => process.getBuiltinModule && process.getBuiltinModule('node:fs').writeFileSync(path.join(F, 'builtin'), 'x'));
attempt('fs through process.binding', () => process.binding('fs').writeFileUtf8(path.join(F, 'binding'), 'x', 577, 0o644));
attempt('activation marker removed', () => { if (!delete process[Symbol.for('@mltrainer/governance.active')]) throw new Error('not deleted'); });
attempt('caller spoofed by Error.prepareStackTrace', () => { Error.prepareStackTrace = () => 'at /spoofed/file.js:1:1'; }, () => { delete Error.prepareStackTrace; });
{
  // Accessors for indices on the prototypes: a write to an index an array does not have yet reaches the setter,
  // a read of it the getter, which names a file the policy allows. Everything is built before they exist.
  const label = 'index accessors on Array.prototype and Object.prototype';
  const target = path.join(F, 'indexed'), spoof = path.join(__dirname, 'allowed', 'spoof');
  const indices = Array.from({ length: 256 }, (_, i) => String(i));
  const protos = [Array.prototype, Object.prototype];
  let outcome;
  try {
    for (const proto of protos) for (const i of indices) Object.defineProperty(proto, i, { configurable: true, get: () => spoof, set() {} });
    fs.writeFileSync(target, 'stolen');
    outcome = { outcome: 'written' };
  } catch (e) {
    outcome = { outcome: 'thrown', code: e && e.code };
  } finally {
    for (const proto of protos) for (const i of indices) delete proto[i];
  }
  results[label] = { ...outcome, tampered: 'ok' };
}
{
  // The same accessors above index 0 while a recursive rm of an allowed tree is checked: each directory found below
  // it is queued for its entries to be checked, and the accessor would answer with a harmless one instead.
  const tree = path.join(__dirname, 'allowed', 'tree');
  const decoy = [path.join(tree, 'a'), path.join(tree, 'a')];
  const indices = Array.from({ length: 50 }, (_, i) => String(i + 1));
  let outcome;
  try {
    for (const i of indices) Object.defineProperty(Array.prototype, i, { configurable: true, get: () => decoy, set() {} });
    fs.rmSync(tree, { recursive: true });
    outcome = { outcome: 'removed' };
  } catch (e) {
    outcome = { outcome: 'thrown', code: e && e.code };
  } finally {
    for (const i of indices) delete Array.prototype[i];
  }
  results['recursive rm under index accessors'] = { ...outcome, kept: fs.existsSync(path.join(tree, 'b', 'keep', 'data.txt')) };
}
{
  // An accessor for index 0 that swallows writes: the snapshot name governance picks for a call without one must
  // still be the name Node writes.
  const cwd = process.cwd();
  process.chdir(path.join(__dirname, 'allowed'));
  let file;
  try {
    Object.defineProperty(Array.prototype, '0', { configurable: true, set() {}, get: () => undefined });
    file = require('node:v8').writeHeapSnapshot();
  } catch (e) {
    file = 'thrown ' + (e && e.code);
  } finally {
    delete Array.prototype[0];
    process.chdir(cwd);
  }
  results['heap snapshot name under an index accessor'] = { file: path.resolve(__dirname, 'allowed', String(file)) };
}
// Last: the fresh copies it loads stay in require.cache.
attempt('the kernel required by its path and restarted with permissive rules', () => restartKernel(require));
(async () => {
  const esm = await import('node:fs');
  try { esm.writeFileSync(path.join(F, 'esm'), 'x'); results['ESM named export'] = { outcome: 'written' }; } catch (e) { results['ESM named export'] = { outcome: 'thrown', code: e.code, tampered: 'ok' }; }
  try { await require('node:fs/promises').writeFile(path.join(F, 'promises'), 'x'); results['node:fs/promises'] = { outcome: 'written' }; } catch (e) { results['node:fs/promises'] = { outcome: 'thrown', code: e.code, tampered: 'ok' }; }
  try { fs.writeFileSync(path.join(__dirname, 'allowed', 'ok.txt'), 'ok'); results['allowed write'] = { outcome: 'written' }; } catch (e) { results['allowed write'] = { outcome: 'thrown', code: e.code }; }
  process.stdout.write(JSON.stringify(results) + '\n');
})();
`;

/** Attempts the runtime refuses outright (the tamper step itself fails). */
const REFUSED_TAMPERING = ['Object.defineProperty over the patch', 'delete the patch', 'originals read off the wrapper', 'package modules in require.cache rewritten', 'require.cache cleared and the package loaded again', 'fs through process.binding', 'activation marker removed', 'a live internal module reached through require.cache, parent, children or symbol links', 'Module._cache replaced'];
const ATTEMPTS = [
  'String.prototype poisoned', 'Array.prototype poisoned', 'index accessors on Array.prototype and Object.prototype', 'Function.prototype.call/apply/bind poisoned', 'RegExp.prototype poisoned', 'Map.prototype.get poisoned',
  'assignment over the patch', 'prototype swap of fs', 'fs through process.getBuiltinModule', 'the kernel required by its path and restarted with permissive rules', 'caller spoofed by Error.prepareStackTrace', 'ESM named export', 'node:fs/promises',
  ...REFUSED_TAMPERING,
];

function policy(dir: string) {
  return {
    level: 'production',
    default: 'deny',
    rules: [
      { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
      { id: 'write', action: 'file_write', target: [`${dir}/.governance/**`, `${dir}/allowed/**`], effect: 'allow' },
      { id: 'keep', action: 'file_write', target: ['**/keep', '**/keep/**'], effect: 'deny' },
    ],
  };
}

describe.each(LAUNCH_MODES)('tampering under a production policy (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'allowed/tree/a/x.txt': 'x', 'allowed/tree/b/keep/data.txt': 'precious' } });
  const F = join(dir, 'forbidden');
  mkdirSync(F);
  const run = governedRun({ dir, mode, entry: 'app.cjs', args: [F], policy: policy(dir) });
  const results = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as Record<string, { outcome: string; code?: string; tampered?: string; kept?: boolean }>;
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status).toBe(0);
  });

  it('governance itself (kernel and audit writer) reports no internal error while prototypes are poisoned', () => {
    expect(run.stderr.split('\n').filter((line) => line !== '')).toEqual([]);
  });

  it('a recursive rm checks every directory below it while index accessors are defined: the protected file stays', () => {
    expect(results['recursive rm under index accessors']).toEqual({ outcome: 'thrown', code: 'EGOVDENIED', kept: true });
  });

  it('a default argument governance fills in reaches Node under an index accessor: the decided snapshot is the one written', () => {
    const { file } = results['heap snapshot name under an index accessor'] as unknown as { file: string };
    expect(existsSync(file), file).toBe(true);
    expect(run.entries().some((e) => e.action === 'file_write' && e.decision === 'allow' && e.target === file)).toBe(true);
  });

  it('a fresh copy of the package cannot activate a second time', () => {
    expect(results['require.cache cleared and the package loaded again'].tampered).toMatch(/already active/);
  });

  it.each(ATTEMPTS)('after "%s" the forbidden write is still refused', (label) => {
    expect(results[label], JSON.stringify(results[label])).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
  });

  it.each(REFUSED_TAMPERING)('"%s" itself fails', (label) => {
    expect(results[label].tampered, JSON.stringify(results.liveFoundVia)).not.toBe('ok');
  });

  it('nothing reached the forbidden directory; the allowed write still works', () => {
    expect(readdirSync(F)).toEqual([]);
    expect(results['allowed write'].outcome).toBe('written');
  });

  it('every refused write is in the audit log with the real caller', () => {
    const denials = run.entries().filter((e) => e.action === 'file_write' && e.decision === 'deny' && e.target.startsWith(`${F}/`));
    // Every attempt but the raw binding (refused as runtime_bypass before any write) ends in a file_write denial.
    expect(denials.length).toBeGreaterThanOrEqual(ATTEMPTS.length - 1);
    for (const denial of denials) expect(denial.caller, JSON.stringify(denial)).toMatch(new RegExp(`^${join(dir, 'app.cjs')}:\\d+$`));
    expect(run.entries().some((e) => e.violation === 'runtime_bypass' && e.target === 'process.binding:fs')).toBe(true);
  });
});

const LATE_APP = String.raw`
const fs = require('node:fs'), path = require('node:path');
const [F] = process.argv.slice(2);
// Captured before governance is active.
const write = fs.writeFileSync, writeAsync = fs.promises.writeFile, mkdir = fs.mkdirSync, rename = fs.renameSync, copy = fs.copyFileSync, open = fs.openSync, rm = fs.rmSync;
fs.writeFileSync(path.join(__dirname, 'allowed', 'source.txt'), 'source');
fs.mkdirSync(path.join(__dirname, 'allowed', 'tree', 'keep'), { recursive: true });
fs.writeFileSync(path.join(__dirname, 'allowed', 'tree', 'keep', 'precious'), 'precious');
require('@mltrainer/governance');
const results = {};
function attempt(label, fn) { try { fn(); results[label] = 'done'; } catch (e) { results[label] = e.code; } }
attempt('captured writeFileSync', () => write(path.join(F, 'a'), 'x'));
attempt('captured mkdirSync', () => mkdir(path.join(F, 'd')));
attempt('captured renameSync', () => rename(path.join(__dirname, 'allowed', 'source.txt'), path.join(F, 'moved')));
attempt('captured copyFileSync', () => copy(path.join(__dirname, 'allowed', 'source.txt'), path.join(F, 'copied')));
attempt('captured openSync for writing', () => open(path.join(F, 'opened'), 'w'));
attempt('captured rmSync of a tree with a protected entry', () => rm(path.join(__dirname, 'allowed', 'tree'), { recursive: true }));
attempt('captured writeFileSync, allowed path', () => write(path.join(__dirname, 'allowed', 'ok.txt'), 'ok'));
writeAsync(path.join(F, 'async'), 'x').then(() => 'done', (e) => e.code).then((outcome) => {
  results['captured promises.writeFile'] = outcome;
  process.stdout.write(JSON.stringify(results) + '\n');
});
`;

// Node 26's fs/promises no longer reaches the fs binding object by property lookup, so a captured
// promise API stays ungoverned after late activation there (docs/threat-model.md).
const PROMISES_LATE = Number(process.versions.node.split('.')[0]) < 26;

describe('late activation: references captured before activateGovernance()', () => {
  const dir = createProject({ files: { 'app.cjs': LATE_APP } });
  const F = join(dir, 'forbidden');
  mkdirSync(F);
  mkdirSync(join(dir, 'allowed'));
  require('node:fs').writeFileSync(join(dir, 'governance.config.json'), JSON.stringify({ ...policy(dir), stateDir: '.governance' }));
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
  for (const key of Object.keys(env)) if (key.startsWith('MLTRAINER_') || key.startsWith('VITEST')) delete env[key];
  const child = spawnSync(process.execPath, ['app.cjs', F], { cwd: dir, env, encoding: 'utf8', timeout: 30_000 });
  const results = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as Record<string, string>;
  afterAll(() => removeProject(dir));

  it.each(['captured writeFileSync', 'captured mkdirSync', 'captured renameSync', 'captured copyFileSync', 'captured openSync for writing'])('%s is governed', (label) => {
    expect(results[label], child.stderr).toBe('EGOVDENIED');
  });

  it('a captured recursive rmSync does not remove a protected entry inside the tree', () => {
    expect(results['captured rmSync of a tree with a protected entry'], child.stderr).toBe('EGOVDENIED');
    expect(existsSync(join(dir, 'allowed', 'tree', 'keep', 'precious'))).toBe(true);
  });

  it(`captured promises.writeFile is ${PROMISES_LATE ? '' : 'not '}governed on this Node line`, () => {
    expect(results['captured promises.writeFile']).toBe(PROMISES_LATE ? 'EGOVDENIED' : 'done');
  });

  it('nothing else was written and the allowed write through a captured reference works', () => {
    expect(readdirSync(F)).toEqual(PROMISES_LATE ? [] : ['async']);
    expect(results['captured writeFileSync, allowed path']).toBe('done');
    const denials = readAuditEntries(join(dir, '.governance')).filter((e) => e.decision === 'deny' && e.target.startsWith(`${F}/`));
    expect(denials.length).toBeGreaterThanOrEqual(PROMISES_LATE ? 6 : 5);
  });
});

// Under a default-allow policy it is the deny rules that must keep matching: RegExp.prototype.test calls the
// regex's `exec` property, String.prototype.replace and split look up Symbol.replace / Symbol.split (also for
// string patterns), and node:path's, node:url's and node:module's functions can be replaced. Each poisoning is
// followed by a denied write, a denied program and the same program through a shell.
const DENY_RULES_APP = String.raw`
const fs = require('node:fs'), cp = require('node:child_process'), path = require('node:path');
const [F] = process.argv.slice(2);
// What the replaced functions answer: a path that does not exist, so nothing the attempts do can land anywhere else.
const DECOY = F + '-decoy';
const results = {};
let n = 0;
function attempt(label, tamper) {
  const target = F + '/w' + (++n);
  tamper();
  const outcome = {};
  try { fs.writeFileSync(target, 'x'); outcome.write = 'written'; } catch (e) { outcome.write = e.code; }
  try { cp.execFileSync('ls', [F], { stdio: 'pipe' }); outcome.spawn = 'ran'; } catch (e) { outcome.spawn = e.code; }
  try { cp.execSync('ls ' + F, { stdio: 'pipe' }); outcome.shell = 'ran'; } catch (e) { outcome.shell = e.code; }
  results[label] = outcome;
}
attempt('RegExp.prototype.exec replaced', () => { RegExp.prototype.exec = function () { return null; }; });
attempt('String.prototype Symbol.replace and Symbol.split defined', () => {
  String.prototype[Symbol.replace] = function () { return DECOY; };
  String.prototype[Symbol.split] = function () { return ['', DECOY]; };
});
attempt('node:path, node:url and node:module functions replaced', () => {
  for (const name of ['resolve', 'join', 'normalize', 'dirname', 'relative']) path[name] = () => DECOY;
  require('node:url').fileURLToPath = () => DECOY;
  require('node:module').isBuiltin = () => true;
});
process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
`;

describe.each(LAUNCH_MODES)('deny rules keep matching after the realm is tampered with (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': DENY_RULES_APP } });
  afterAll(() => removeProject(dir));
  const F = join(dir, 'forbidden');
  mkdirSync(F);
  const run = governedRun({
    dir, mode, entry: 'app.cjs', args: [F],
    policy: {
      level: 'production',
      default: 'allow',
      rules: [
        { id: 'no-forbidden', action: 'file_write', target: `${F}/**`, effect: 'deny' },
        { id: 'no-ls', action: 'process_spawn', target: ['ls', '/usr/bin/ls', '/bin/ls'], effect: 'deny' },
      ],
    },
  });
  const results = printedResults<Record<string, { write: string; spawn: string; shell: string }>>(run);

  it.each([
    'RegExp.prototype.exec replaced',
    'String.prototype Symbol.replace and Symbol.split defined',
    'node:path, node:url and node:module functions replaced',
  ])('%s: the write, the program and the shell command are all refused', (label) => {
    expect(results[label], run.stderr).toEqual({ write: 'EGOVDENIED', spawn: 'EGOVDENIED', shell: 'EGOVDENIED' });
  });

  it('nothing was written', () => {
    expect(readdirSync(F)).toEqual([]);
  });
});
