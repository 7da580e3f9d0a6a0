// Code generated from strings under a production policy, in the three launch modes. Every evaluated
// snippet would print `EVALUATED:<label>`; each attempt must be refused, the token must be absent and
// the denial must be in the audit log. A second policy allows `code_eval:vm` only: code inside new vm
// contexts (their own eval and Function family) and escapes back to the host's Function stay refused,
// while plain vm evaluation works (positive control).
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, readOnlyPolicy, removeProject } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';
import type { AuditEntry } from '../../src/types';

const HARNESS = String.raw`
const results = {};
const token = (label) => "process.stdout.write('EVALUATED:" + label + "\\n')";
async function attempt(label, fn) {
  try { const value = await fn(label); results[label] = { outcome: 'ran', value: typeof value === 'function' ? 'function' : String(value) }; }
  catch (e) { results[label] = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
}
`;

const DENY_ALL_APP = HARNESS + String.raw`
const vm = require('node:vm'), Module = require('node:module'), path = require('node:path');
(async () => {
  await attempt('direct eval', (l) => eval(token(l)));
  await attempt('indirect eval', (l) => (0, eval)(token(l)));
  await attempt('globalThis.eval', (l) => globalThis.eval(token(l)));
  await attempt('Function()', (l) => Function(token(l))());
  await attempt('new Function', (l) => new Function(token(l))());
  await attempt('arrow constructor', (l) => (() => {}).constructor(token(l))());
  await attempt('AsyncFunction', (l) => (async () => {}).constructor(token(l))());
  await attempt('GeneratorFunction', (l) => (function* () {}).constructor(token(l))().next());
  await attempt('AsyncGeneratorFunction', (l) => (async function* () {}).constructor(token(l))().next());
  await attempt('Reflect.construct(Function)', (l) => Reflect.construct(Function, [token(l)])());
  await attempt('subclass of Function', (l) => { class F extends Function {} return new F(token(l))(); });
  await attempt('Function.prototype.constructor.call', (l) => Function.prototype.constructor.call(null, token(l))());
  await attempt('Object.constructor.constructor', (l) => ({}).constructor.constructor(token(l))());
  await attempt('redefine Function.prototype.constructor', () => Object.defineProperty(Function.prototype, 'constructor', { value: function () {} }));
  await attempt('vm.runInThisContext', (l) => vm.runInThisContext(token(l)));
  await attempt('vm.runInNewContext', (l) => vm.runInNewContext('this.constructor.constructor("return process")().stdout.write("EVALUATED:' + l + '\\n")'));
  await attempt('vm.runInContext', (l) => vm.runInContext('1', vm.createContext({ p: process })) && vm.runInContext('p.stdout.write("EVALUATED:' + l + '\\n")', vm.createContext({ p: process })));
  await attempt('new vm.Script', (l) => new vm.Script(token(l)).runInThisContext());
  await attempt('vm.compileFunction', (l) => vm.compileFunction(token(l))());
  await attempt('vm.createScript', (l) => vm.createScript(token(l)).runInThisContext());
  await attempt('ContextifyScript via prototype chain', (l) => new (Object.getPrototypeOf(vm.Script.prototype).constructor)(token(l)).runInThisContext());
  await attempt('ContextifyScript via Script parent', (l) => new (Object.getPrototypeOf(vm.Script))(token(l)).runInThisContext());
  await attempt('subclass of vm.Script', (l) => { class S extends vm.Script {} return new S(token(l)).runInThisContext(); });
  await attempt('Module#_compile of a string', (l) => { const m = new Module(path.join(process.cwd(), 'fake.js')); m._compile(token(l), m.id); });
  await attempt('forged command-line entry compile', (l) => { const m = new Module('[eval]'); m._compile(token(l), '[eval]-wrapper'); });
  await attempt('forged worker entry compile', (l) => { const m = new Module('[worker eval]'); m._compile(token(l), '[worker eval]-wrapper'); });
  await attempt('import data: URL', (l) => import('data:text/javascript,' + encodeURIComponent(token(l))));
  await attempt('import http: URL', (l) => import('http://127.0.0.1:9/' + l + '.mjs'));
  await attempt('require.extensions handler compiling a string', (l) => {
    require.extensions['.txt'] = (m, filename) => m._compile(token(l), filename);
    return require('./victim.txt');
  });
  await attempt('own _compile on a module handed to Node\'s handler', (l) => {
    const m = new Module(path.join(process.cwd(), 'victim2.cjs'));
    m._compile = function (content, filename) { return Module.prototype._compile.call(this, token(l), filename); };
    require.extensions['.js'](m, path.join(process.cwd(), 'victim.cjs'));
  });
  await attempt("string compiled from a filename's toString inside Node's handler", (l) => {
    let done = false;
    require.extensions['.js'](module, { toString() { if (!done) { done = true; module._compile(token(l), module.filename); } return module.filename; } });
  });
  await attempt('Module.wrap injection', (l) => { Module.wrap = (s) => '(function (exports, require, module, __filename, __dirname) { ' + token(l) + ';' + s + '\n});'; return require('./victim.cjs'); });
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
})();
`;

const VM_ONLY_APP = HARNESS + String.raw`
const vm = require('node:vm');
(async () => {
  await attempt('context Function', (l) => vm.runInNewContext('Function(t)()', { t: token(l), process }));
  await attempt('context eval', (l) => vm.runInNewContext('eval(t)', { t: token(l), process }));
  await attempt('context async constructor', (l) => vm.runInNewContext('(async () => {}).constructor(t)()', { t: token(l), process }));
  await attempt('context escape to host Function', (l) => vm.runInNewContext('this.constructor.constructor(t)()', { t: token(l) }));
  await attempt('createContext then Function', (l) => vm.runInContext('Function(t)()', vm.createContext({ t: token(l), process })));
  await attempt('Script#runInNewContext Function', (l) => new vm.Script('new Function(t)()').runInNewContext({ t: token(l), process }));
  await attempt('redefine context Function', (l) => vm.runInNewContext('Object.defineProperty(globalThis, "Function", { value: 1 })', {}));
  await attempt('vm.runInThisContext allowed', () => vm.runInThisContext('6 * 7'));
  await attempt('vm.runInNewContext allowed', () => vm.runInNewContext('x * 2', { x: 21 }));
  await attempt('Script#runInNewContext allowed', () => new vm.Script('x + 1').runInNewContext({ x: 41 }));
  await attempt('Function still refused in host', (l) => Function(token(l))());
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
})();
`;

interface Outcome {
  outcome: string;
  code?: string;
  value?: string;
  message?: string;
}

const DENY_ALL: Record<string, string> = {
  'direct eval': 'eval',
  'indirect eval': 'eval',
  'globalThis.eval': 'eval',
  'Function()': 'function',
  'new Function': 'function',
  'arrow constructor': 'function',
  AsyncFunction: 'function',
  GeneratorFunction: 'function',
  AsyncGeneratorFunction: 'function',
  'Reflect.construct(Function)': 'function',
  'subclass of Function': 'function',
  'Function.prototype.constructor.call': 'function',
  'Object.constructor.constructor': 'function',
  'vm.runInThisContext': 'vm',
  'vm.runInNewContext': 'vm',
  'vm.runInContext': 'vm',
  'new vm.Script': 'vm',
  'vm.compileFunction': 'vm',
  'vm.createScript': 'vm',
  'ContextifyScript via prototype chain': 'vm',
  'ContextifyScript via Script parent': 'vm',
  'subclass of vm.Script': 'vm',
  'Module#_compile of a string': 'module-compile',
  'forged command-line entry compile': 'module-compile',
  'forged worker entry compile': 'module-compile',
  'import data: URL': 'url',
  'Module.wrap injection': 'module-compile',
  'require.extensions handler compiling a string': 'module-compile',
  "own _compile on a module handed to Node's handler": 'module-compile',
  "string compiled from a filename's toString inside Node's handler": 'module-compile',
};

const VM_ONLY_DENIED: Record<string, string> = {
  'context Function': 'function',
  'context eval': 'eval',
  'context async constructor': 'function',
  'context escape to host Function': 'function',
  'createContext then Function': 'function',
  'Script#runInNewContext Function': 'function',
  'Function still refused in host': 'function',
};

function denials(entries: AuditEntry[], target: string): AuditEntry[] {
  return entries.filter((e) => e.action === 'code_eval' && e.target === target && e.decision === 'deny');
}

describe.each(LAUNCH_MODES)('code_eval under a production policy that allows none (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': DENY_ALL_APP, 'victim.cjs': 'module.exports = 1;\n', 'victim.txt': 'plain text\n' } });
  const run = governedRun({ dir, mode, entry: 'app.cjs', policy: readOnlyPolicy(dir) });
  const outcomes = routeResults<Record<string, Outcome>>(run);
  const entries = run.entries();
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(Object.entries(DENY_ALL))('%s is refused as code_eval:%s and nothing is evaluated', (label, target) => {
    expect(outcomes[label], JSON.stringify(outcomes)).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(outcomes[label].message).toContain(`code_eval:${target}`);
    expect(run.stdout).not.toContain(`EVALUATED:${label}`);
    expect(denials(entries, target).length).toBeGreaterThan(0);
  });

  it('an http: import evaluates nothing (refused by governance or by Node)', () => {
    expect(outcomes['import http: URL'].outcome).toBe('thrown');
    expect(['EGOVDENIED', 'ERR_UNSUPPORTED_ESM_URL_SCHEME', 'ERR_NETWORK_IMPORT_DISALLOWED']).toContain(outcomes['import http: URL'].code);
    expect(run.stdout).not.toContain('EVALUATED:import http: URL');
  });

  it('the governed Function.prototype.constructor cannot be redefined', () => {
    expect(outcomes['redefine Function.prototype.constructor']).toMatchObject({ outcome: 'thrown' });
    expect(outcomes['redefine Function.prototype.constructor'].message).toMatch(/Cannot redefine property: constructor/);
  });

  it('the Module.wrap injection is recorded as a runtime_bypass violation', () => {
    expect(entries.some((e) => e.target === 'module-compile' && e.decision === 'deny' && e.violation === 'runtime_bypass')).toBe(true);
  });

  it('no evaluation token reached stdout', () => {
    expect(run.stdout).not.toContain('EVALUATED:');
  });
});

describe.each(LAUNCH_MODES)('vm allowed, eval and Function denied: new contexts stay governed (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': VM_ONLY_APP } });
  const run = governedRun({ dir, mode, entry: 'app.cjs', policy: readOnlyPolicy(dir, [{ id: 'vm', action: 'code_eval', target: 'vm', effect: 'allow' }]) });
  const outcomes = routeResults<Record<string, Outcome>>(run);
  const entries = run.entries();
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(Object.entries(VM_ONLY_DENIED))('%s is refused as code_eval:%s', (label, target) => {
    expect(outcomes[label], JSON.stringify(outcomes)).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(outcomes[label].message).toContain(`code_eval:${target}`);
    expect(run.stdout).not.toContain(`EVALUATED:${label}`);
    expect(denials(entries, target).length).toBeGreaterThan(0);
  });

  it('the governed slots of a new context cannot be redefined', () => {
    expect(outcomes['redefine context Function']).toMatchObject({ outcome: 'thrown' });
  });

  it('positive control: vm evaluation itself works and is recorded as allowed', () => {
    expect(outcomes['vm.runInThisContext allowed']).toEqual({ outcome: 'ran', value: '42' });
    expect(outcomes['vm.runInNewContext allowed']).toEqual({ outcome: 'ran', value: '42' });
    expect(outcomes['Script#runInNewContext allowed']).toEqual({ outcome: 'ran', value: '42' });
    expect(entries.some((e) => e.action === 'code_eval' && e.target === 'vm' && e.decision === 'allow' && e.ruleId === 'vm')).toBe(true);
  });
});
