// Node compiles every later CommonJS module with `Module.wrap(content)` once `Module.wrap` or `Module.wrapper` was
// set, and Node's own `wrap` reads `Module.wrapper[0]` and `[1]` again as it compiles. Governance compared the values
// it read with the originals, so a getter that answered the check the real head and Node an injected one (on a
// replaced `Module.wrapper`, or defined on Node's own array through its proxy) ran
// a string as code with code_eval denied, nothing in the log. Each must now be refused as code_eval:module-compile.
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, readOnlyPolicy, removeProject } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const Module = require('node:module');
const results = {};
const head = Module.wrapper[0], tail = Module.wrapper[1], original = Module.wrapper;
const injected = (label) => head + "process.stdout.write('EVALUATED:" + label + "\\n');";
// Honest to every other read: the check reads [0] once, then Node's wrap reads it again.
const twoFaced = (label) => { let reads = 0; return () => (reads++ % 2 === 0 ? head : injected(label)); };
function attempt(label, victim, tamper, restore) {
  tamper(label);
  try { results[label] = { outcome: 'ran', value: require('./' + victim) }; }
  catch (e) { results[label] = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
  finally { restore(); }
}
attempt('a replaced Module.wrapper with a two-faced head', 'v1.cjs',
  (l) => { const get0 = twoFaced(l); Module.wrapper = { get 0() { return get0(); }, 1: tail, length: 2 }; },
  () => { Module.wrapper = original; });
attempt("a getter defined on Node's own wrapper array", 'v2.cjs',
  (l) => { const get0 = twoFaced(l); Object.defineProperty(Module.wrapper, 0, { get: get0, configurable: true }); },
  () => { Object.defineProperty(Module.wrapper, 0, { value: head, writable: true, enumerable: true, configurable: true }); });
// Positive control: Module.wrap set back to Node's own function (Node then compiles through it) still loads modules.
Module.wrap = Module.wrap;
try { results['positive control'] = { outcome: 'ran', value: require('./v4.cjs') }; }
catch (e) { results['positive control'] = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
`;

const ATTEMPTS = ["a replaced Module.wrapper with a two-faced head", "a getter defined on Node's own wrapper array"];
const VICTIMS = { 'v1.cjs': 'module.exports = 1;', 'v2.cjs': 'module.exports = 2;', 'v4.cjs': 'module.exports = 4;' };

type Attempt = { outcome: string; code?: string; value?: unknown; message?: string };

describe.each(LAUNCH_MODES)('Module.wrapper read again by Node as it compiles (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, ...VICTIMS } });
  const run = governedRun({ dir, mode, entry: 'app.cjs', policy: readOnlyPolicy(dir) });
  const results = run.status === 0 ? routeResults<Record<string, Attempt>>(run) : {};
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it('no injected source ran', () => {
    expect(run.stdout).not.toContain('EVALUATED');
  });

  it.each(ATTEMPTS)('%s: refused as code_eval:module-compile', (label) => {
    expect(results[label], JSON.stringify(results[label])).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(results[label].message).toContain('code_eval:module-compile');
  });

  it('the refusals are in the audit log as runtime_bypass violations', () => {
    const refused = run.entries().filter((e) => e.action === 'code_eval' && e.target === 'module-compile' && e.decision === 'deny');
    expect(refused.length).toBeGreaterThanOrEqual(ATTEMPTS.length);
    expect(refused.every((e) => e.violation === 'runtime_bypass')).toBe(true);
  });

  it("positive control: Node's own Module.wrap assigned back still loads modules", () => {
    expect(results['positive control']).toEqual({ outcome: 'ran', value: 4 });
  });
});
