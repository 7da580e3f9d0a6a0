// A vm context object that shadows the globals the context's code-evaluation patch looks up, under a production
// policy that allows `code_eval:vm` only, in the three launch modes. Inside a context a global name is looked up
// on the context object (and its prototype chain) first: a context object with its own `Reflect` (whose
// defineProperty does nothing) or `globalThis`, or a host `Object.prototype.Reflect` getter, made the patch a no-op,
// and the context's own Function family and eval then evaluated strings with `code_eval:function`/`eval` denied
// (Node 20-26). Each must be refused (runtime_bypass), print no token, and be logged; plain vm evaluation and
// contexts made the ordinary way still work.
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, readOnlyPolicy, removeProject } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const vm = require('node:vm');
const results = {};
const token = (label) => "process.stdout.write('EVALUATED:" + label + "\\n')";
function attempt(label, fn) {
  try { const value = fn(label); results[label] = { outcome: 'ran', value: String(value) }; }
  catch (e) { results[label] = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
}
const fakeReflect = { construct: Reflect.construct, getPrototypeOf: Reflect.getPrototypeOf, setPrototypeOf() { return true; }, defineProperty() { return true; } };
attempt('own Reflect, then Function', (l) => vm.runInNewContext('Function(t)()', { Reflect: fakeReflect, t: token(l), process }));
attempt('own Reflect, then eval', (l) => vm.runInNewContext('eval(t)', { Reflect: fakeReflect, t: token(l), process }));
attempt('own Reflect, then AsyncFunction', (l) => vm.runInNewContext('(async () => {}).constructor(t)()', { Reflect: fakeReflect, t: token(l), process }));
attempt('own globalThis, then Function', (l) => vm.runInNewContext('Function(t)()', { globalThis: {}, t: token(l), process }));
attempt('createContext with own Reflect', (l) => vm.runInContext('Function(t)()', vm.createContext({ Reflect: fakeReflect, t: token(l), process })));
attempt('Proxy context object', (l) => vm.runInNewContext('Function(t)()', new Proxy({ t: token(l), process }, {})));
attempt('host Object.prototype.Reflect', (l) => {
  Object.defineProperty(Object.prototype, 'Reflect', { get() { return fakeReflect; }, configurable: true });
  let context;
  try { context = vm.createContext(); } finally { delete Object.prototype.Reflect; }
  context.t = token(l);
  context.process = process;
  return vm.runInContext('Function(t)()', context);
});
attempt('plain context: Function still refused', (l) => vm.runInNewContext('Function(t)()', { t: token(l), process }));
attempt('vm evaluation allowed', () => vm.runInNewContext('x * 2', { x: 21 }));
attempt('a context used twice', () => { const c = vm.createContext({ x: 2 }); vm.runInContext('x += 1', c); return vm.runInContext('x * 10', vm.createContext(c)); });
process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
`;

const ROUTES = [
  'own Reflect, then Function',
  'own Reflect, then eval',
  'own Reflect, then AsyncFunction',
  'own globalThis, then Function',
  'createContext with own Reflect',
  'Proxy context object',
  'host Object.prototype.Reflect',
];

interface Outcome {
  outcome: string;
  code?: string;
  value?: string;
  message?: string;
}

describe.each(LAUNCH_MODES)('vm context objects shadowing the patch (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP } });
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    policy: readOnlyPolicy(dir, [
      { id: 'vm', action: 'code_eval', target: 'vm', effect: 'allow' },
    ]),
  });
  const outcomes = routeResults<Record<string, Outcome>>(run);
  const entries = run.entries();
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(ROUTES)('%s is refused as runtime_bypass', (label) => {
    expect(outcomes[label], JSON.stringify(outcomes)).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(outcomes[label].message).toContain('code_eval:vm');
  });

  it('the refusals are in the audit log as runtime_bypass violations', () => {
    const refusals = entries.filter((e) => e.action === 'code_eval' && e.target === 'vm' && e.decision === 'deny' && e.violation === 'runtime_bypass');
    expect(refusals.length).toBeGreaterThanOrEqual(ROUTES.length);
  });

  it('no string was evaluated', () => {
    expect(run.stdout).not.toContain('EVALUATED:');
  });

  it('positive controls: vm evaluation works, a plain context keeps its Function governed, a context can be reused', () => {
    expect(outcomes['vm evaluation allowed']).toEqual({ outcome: 'ran', value: '42' });
    expect(outcomes['a context used twice']).toEqual({ outcome: 'ran', value: '30' });
    expect(outcomes['plain context: Function still refused']).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(outcomes['plain context: Function still refused'].message).toContain('code_eval:function');
  });
});
