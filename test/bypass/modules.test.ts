// Module loading under a production policy, in the three launch modes. Denied modules (a builtin, a
// package, a CommonJS file, an ES module, a loader for module.register) print `LOADED:<name>` or write
// a marker file when they run; every road to them (require, createRequire, Module._load, module.require,
// Module#load, getBuiltinModule, import, import(), a static import, module.register) must be refused,
// leave no token or marker, and be in the audit log under the normalised target. Positive controls load
// allowed builtins, packages and files in the same process.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, readOnlyPolicy, removeProject } from '../helpers/governed-run';
import { printedResults } from '../helpers/route-results';

const APP = String.raw`
const Module = require('node:module'), path = require('node:path'), fs = require('node:fs'), { pathToFileURL } = require('node:url');
const here = process.cwd();
const results = {};
async function attempt(label, fn) {
  try { const value = await fn(); results[label] = { outcome: 'loaded', value: value && typeof value === 'object' ? 'object' : String(value) }; }
  catch (e) { results[label] = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
}
(async () => {
  await attempt('require builtin', () => require('child_process'));
  await attempt('require node: builtin', () => require('node:child_process'));
  await attempt('createRequire builtin', () => Module.createRequire(__filename)('child_process'));
  await attempt('Module._load builtin', () => Module._load('child_process', module, false));
  await attempt('module.require builtin', () => module.require('child_process'));
  await attempt('Module._load of an object whose toString names a builtin', () => Module._load({ toString: () => 'node:child_process' }, module, false));
  await attempt('getBuiltinModule', () => { if (typeof process.getBuiltinModule !== 'function') throw Object.assign(new Error('absent'), { code: 'ABSENT' }); return process.getBuiltinModule('child_process'); });
  await attempt('require package', () => require('denied-pkg'));
  await attempt('require package deep path', () => require('denied-pkg/deep.js'));
  await attempt('require file', () => require('./denied.cjs'));
  await attempt('Module#load file', () => { const m = new Module(path.join(here, 'denied.cjs'), module); m.load(path.join(here, 'denied.cjs')); return m.exports; });
  await attempt('assign Module._load', () => Reflect.set(Module, '_load', () => ({})));
  await attempt('require builtin after assigning _load', () => require('child_process'));
  await attempt('import builtin', () => import('node:child_process'));
  await attempt('import package', () => import('denied-pkg'));
  await attempt('import ES module', () => import('./denied.mjs'));
  await attempt('static import of a denied module', () => import('./imports-denied.mjs'));
  await attempt('module.register loader', () => Module.register('./evil-loader.mjs', pathToFileURL(here + '/')));
  await attempt('require package again', () => require('denied-pkg'));
  await attempt('require.resolve, then require', () => { require.resolve('./denied-too.cjs'); return require('./denied-too.cjs'); });
  const nodeResolve = Module._resolveFilename;
  await attempt('program resolver maps a name to a denied package', () => {
    Module._resolveFilename = function (request, ...rest) { return nodeResolve.call(this, request === 'alias-pkg' ? 'denied-pkg' : request, ...rest); };
    try { return require('alias-pkg'); } finally { Module._resolveFilename = nodeResolve; }
  });
  await attempt('program resolver maps a name to a builtin, without Node', () => {
    Module._resolveFilename = function (request, ...rest) { return request === 'alias-cp' ? 'child_process' : nodeResolve.call(this, request, ...rest); };
    try { return require('alias-cp'); } finally { Module._resolveFilename = nodeResolve; }
  });
  await attempt('reload through a directory swapped for a link', () => {
    const file = path.join(here, 'swapdir', 'data.json');
    require(file);
    delete require.cache[file];
    fs.renameSync(path.join(here, 'swapdir'), path.join(here, 'swapdir-old'));
    fs.symlinkSync(path.join(here, 'secret'), path.join(here, 'swapdir'));
    return JSON.stringify(require(file));
  });
  await attempt('allowed file reloaded after its cache entry is deleted', () => {
    const file = path.join(here, 'ok.cjs');
    require(file);
    delete require.cache[file];
    return require(file);
  });
  await attempt('allowed builtin', () => require('node:path').sep);
  await attempt('allowed package', () => require('allowed-pkg'));
  await attempt('allowed ES module', async () => (await import('./ok.mjs')).default);
  await attempt('allowed createRequire', () => Module.createRequire(__filename)('./ok.cjs'));
  await attempt('module.register with a parentURL getter', () => {
    let reads = 0;
    return Module.register('./evil-loader.mjs', { get parentURL() { return pathToFileURL(here + (reads++ === 0 ? '/ok-dir/' : '/')).href; } });
  });
  await attempt('module.register of an allowed loader, then an import', async () => {
    Module.register('./ok-loader.mjs', pathToFileURL(here + '/'));
    return (await import('./ok.mjs?after-loader')).default;
  });
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
})();
`;

const FILES: Record<string, string> = {
  'app.cjs': APP,
  'node_modules/denied-pkg/package.json': JSON.stringify({ name: 'denied-pkg', version: '1.0.0', main: 'index.js' }),
  'node_modules/denied-pkg/index.js': "process.stdout.write('LOADED:denied-pkg\\n'); module.exports = 1;\n",
  'node_modules/denied-pkg/deep.js': "process.stdout.write('LOADED:denied-pkg/deep\\n'); module.exports = 1;\n",
  'node_modules/allowed-pkg/package.json': JSON.stringify({ name: 'allowed-pkg', version: '1.0.0', main: 'index.js' }),
  'node_modules/allowed-pkg/index.js': "module.exports = 'allowed-pkg';\n",
  'denied.cjs': "process.stdout.write('LOADED:denied.cjs\\n'); module.exports = 1;\n",
  'denied.mjs': "process.stdout.write('LOADED:denied.mjs\\n'); export default 1;\n",
  'imports-denied.mjs': "import './denied.mjs';\nprocess.stdout.write('LOADED:imports-denied.mjs\\n');\n",
  'evil-loader.mjs': "import { writeFileSync } from 'node:fs';\nwriteFileSync(new URL('./loader-ran', import.meta.url), 'ran');\nexport async function load(url, context, next) { return next(url, context); }\n",
  'denied-too.cjs': "process.stdout.write('LOADED:denied-too.cjs\\n'); module.exports = 1;\n",
  'swapdir/data.json': JSON.stringify({ public: true }),
  'secret/data.json': JSON.stringify({ token: 'SECRET-TOKEN' }),
  'ok.mjs': "export default 'ok.mjs';\n",
  'ok.cjs': "module.exports = 'ok.cjs';\n",
  'ok-loader.mjs': "export async function load(url, context, next) { return next(url, context); }\n",
};

interface Outcome {
  outcome: string;
  code?: string;
  value?: string;
  message?: string;
}

// Node 20 and 22 before 22.15 have no module.registerHooks: governance decides imports from Node's hooks thread.
const HOOKS_OFF_THREAD = typeof (require('node:module') as { registerHooks?: unknown }).registerHooks !== 'function';

const DENIED: Record<string, string> = {
  'require builtin': 'node:child_process',
  'require node: builtin': 'node:child_process',
  'createRequire builtin': 'node:child_process',
  'Module._load builtin': 'node:child_process',
  'module.require builtin': 'node:child_process',
  'Module._load of an object whose toString names a builtin': 'node:child_process',
  'require package': 'denied-pkg',
  'require package deep path': 'denied-pkg',
  'require file': '<dir>/denied.cjs',
  'Module#load file': '<dir>/denied.cjs',
  'require builtin after assigning _load': 'node:child_process',
  'import builtin': 'node:child_process',
  'import package': 'denied-pkg',
  'import ES module': '<dir>/denied.mjs',
  'static import of a denied module': '<dir>/denied.mjs',
  'module.register loader': '<dir>/evil-loader.mjs',
  'require package again': 'denied-pkg',
  'require.resolve, then require': '<dir>/denied-too.cjs',
  'program resolver maps a name to a denied package': 'denied-pkg',
  'program resolver maps a name to a builtin, without Node': 'node:child_process',
};

describe.each(LAUNCH_MODES)('module_load under a production policy (%s)', (mode) => {
  const dir = createProject({ files: FILES });
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    policy: readOnlyPolicy(dir, [
      { id: 'swap', action: 'file_write', target: `${dir}/swapdir*`, effect: 'allow' },
      { id: 'no-secret', action: 'file_read', target: `${dir}/secret/*.json`, effect: 'deny' },
      // A registered loader can hand Node any source: allowed here, for the loaders this suite registers.
      { id: 'loaders', action: 'code_eval', target: 'module-compile', effect: 'allow' },
      { id: 'no-modules', action: 'module_load', target: ['node:child_process', 'denied-pkg', `${dir}/denied.*`, `${dir}/denied-too.cjs`, `${dir}/evil-loader.mjs`], effect: 'deny' },
    ]),
  });
  const outcomes = printedResults<Record<string, Outcome>>(run);
  const entries = run.entries();
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(Object.entries(DENIED))('%s is refused as module_load:%s', (label, rawTarget) => {
    const target = rawTarget.replace('<dir>', dir);
    expect(outcomes[label], JSON.stringify(outcomes)).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(outcomes[label].message).toContain(`module_load:${target}`);
    expect(entries.some((e) => e.action === 'module_load' && e.target === target && e.decision === 'deny')).toBe(true);
  });

  it('process.getBuiltinModule is refused where Node has it', () => {
    const outcome = outcomes.getBuiltinModule;
    if (outcome.code === 'ABSENT') return;
    expect(outcome).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
  });

  it('an allowed module.register loader works where Node has in-thread hooks, and fails with a clear error (not a hang) where it has not', () => {
    const outcome = outcomes['module.register of an allowed loader, then an import'];
    if (HOOKS_OFF_THREAD) expect(outcome).toMatchObject({ outcome: 'thrown', code: 'ERR_GOVERNANCE_UNSUPPORTED' });
    else expect(outcome).toEqual({ outcome: 'loaded', value: 'ok.mjs' });
  });

  it('the governed Module._load cannot be replaced', () => {
    expect(outcomes['assign Module._load']).toEqual({ outcome: 'loaded', value: 'false' });
  });

  it('no denied module ran and the denied loader never loaded', () => {
    expect(run.stdout).not.toContain('LOADED:');
    expect(existsSync(join(dir, 'loader-ran'))).toBe(false);
    // Decided and handed to Node as the same directory: the loader is looked for where the check looked.
    expect(['ERR_MODULE_NOT_FOUND', 'ERR_GOVERNANCE_UNSUPPORTED']).toContain(outcomes['module.register with a parentURL getter'].code);
  });

  it('a module reloaded through a directory swapped for a link is decided where it now is', () => {
    const outcome = outcomes['reload through a directory swapped for a link'];
    expect(outcome, JSON.stringify(outcome)).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(outcome.message).toContain(`file_read:${dir}/secret/data.json`);
    expect(run.stdout).not.toContain('SECRET-TOKEN');
  });

  it('positive controls: allowed builtins, packages and files load', () => {
    expect(outcomes['allowed file reloaded after its cache entry is deleted']).toEqual({ outcome: 'loaded', value: 'ok.cjs' });
    expect(outcomes['allowed builtin']).toEqual({ outcome: 'loaded', value: '/' });
    expect(outcomes['allowed package']).toEqual({ outcome: 'loaded', value: 'allowed-pkg' });
    expect(outcomes['allowed ES module']).toEqual({ outcome: 'loaded', value: 'ok.mjs' });
    expect(outcomes['allowed createRequire']).toEqual({ outcome: 'loaded', value: 'ok.cjs' });
    expect(entries.some((e) => e.action === 'module_load' && e.target === 'allowed-pkg' && e.decision === 'allow')).toBe(true);
    expect(entries.some((e) => e.action === 'module_load' && e.target === `${dir}/ok.mjs` && e.decision === 'allow')).toBe(true);
  });
});

// A loader's load hook returns whatever source it likes: module.register amounts to compiling a string as a module,
// as module.registerHooks does. With every module_load allowed and code_eval denied, registering a loader that hands
// Node a string it got through `data` is refused before the loader starts, on every line (where Node has no in-thread
// hooks an allowed register is refused as ERR_GOVERNANCE_UNSUPPORTED afterwards; see above).
const EVAL_APP = String.raw`
import { register } from 'node:module';
const results = {};
const code = "globalThis.EVALUATED = 'yes'; process.stdout.write('EVALUATED\\n'); export default 1;";
try { register('./eval-loader.mjs', import.meta.url, { data: { code } }); results.register = { outcome: 'returned' }; }
catch (e) { results.register = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
try { await import('x-eval:payload'); results.import = { outcome: 'loaded' }; }
catch (e) { results.import = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
results.evaluated = String(globalThis.EVALUATED);
process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
`;

const EVAL_LOADER = `
let code = '';
export function initialize(data) { code = data.code; }
export async function resolve(specifier, context, next) { return specifier.startsWith('x-eval:') ? { url: specifier, shortCircuit: true } : next(specifier, context); }
export async function load(url, context, next) { return url.startsWith('x-eval:') ? { format: 'module', source: code, shortCircuit: true } : next(url, context); }
`;

describe.each(LAUNCH_MODES)('module.register under a policy that allows every module and denies code_eval (%s)', (mode) => {
  const dir = createProject({ files: { 'app.mjs': EVAL_APP, 'eval-loader.mjs': EVAL_LOADER } });
  const run = governedRun({
    dir,
    mode,
    entry: 'app.mjs',
    policy: readOnlyPolicy(dir),
  });
  const results = printedResults<Record<string, Outcome | string>>(run);
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it('registering a loader is refused as code_eval:module-compile, and logged', () => {
    expect(results.register, JSON.stringify(results)).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect((results.register as Outcome).message).toContain('code_eval:module-compile');
    expect(run.entries().some((e) => e.action === 'code_eval' && e.target === 'module-compile' && e.decision === 'deny')).toBe(true);
  });

  it('the string never ran', () => {
    expect(results.evaluated).toBe('undefined');
    expect(run.stdout).not.toContain('EVALUATED');
  });
});
