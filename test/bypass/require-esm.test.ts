// require() of an ES module under a production policy that denies node:child_process and code generation, in the
// three launch modes. On Node 20 the required module's import graph loads inside Node, past the hooks thread that
// decides ES imports there: its imports were never decided (until 2026-11-22). There such a require is refused as
// runtime_bypass, and a file Node would only detect as ES syntax is compiled as CommonJS; where Node has in-thread
// hooks (22.15+), the graph's imports are decided one by one. Either way the denied module never arrives.
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, readOnlyPolicy, removeProject } from '../helpers/governed-run';
import { printedResults } from '../helpers/route-results';

const IN_THREAD_HOOKS = typeof (require('node:module') as { registerHooks?: unknown }).registerHooks === 'function';

const APP = String.raw`
const results = {};
function attempt(label, fn) { try { results[label] = { outcome: 'done', value: String(fn()) }; } catch (e) { results[label] = { outcome: 'thrown', code: e.code, name: e.name, violation: e.violation }; } }
attempt('required .mjs importing child_process', () => typeof require('./imports-cp.mjs').cp.execSync);
attempt('required .mjs importing a data: URL', () => require('./imports-data.mjs').x);
attempt('required ES syntax in a .js file', () => typeof require('./detected.js').cp);
attempt('required .mjs without imports', () => require('./plain.mjs').answer);
process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
`;

const FILES = {
  'app.cjs': APP,
  'imports-cp.mjs': "import cp from 'node:child_process';\nexport { cp };\n",
  'imports-data.mjs': "import { x } from 'data:text/javascript,process.stdout.write(\"EVALUATED\\\\n\");export const x = 1';\nexport { x };\n",
  'detected.js': "import cp from 'node:child_process';\nexport { cp };\n",
  'plain.mjs': 'export const answer = 42;\n',
};

interface Outcome {
  outcome: string;
  code?: string;
  name?: string;
  violation?: string;
  value?: string;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeProject));

describe.each(LAUNCH_MODES)('require() of an ES module (%s)', (mode) => {
  const dir = createProject({ files: FILES });
  dirs.push(dir);
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    policy: readOnlyPolicy(dir, [{ id: 'no-cp', action: 'module_load', target: 'node:child_process', effect: 'deny' }]),
  });
  const results = printedResults<Record<string, Outcome>>(run);

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it('no denied module arrives and no data: URL runs', () => {
    for (const label of ['required .mjs importing child_process', 'required .mjs importing a data: URL', 'required ES syntax in a .js file']) {
      expect(results[label].outcome, label).toBe('thrown');
    }
    expect(run.stdout).not.toContain('EVALUATED');
  });

  it.runIf(IN_THREAD_HOOKS)('with in-thread hooks each import is decided, and a module without denied imports loads', () => {
    expect(results['required .mjs importing child_process'].code).toBe('EGOVDENIED');
    expect(results['required .mjs importing a data: URL'].code).toBe('EGOVDENIED');
    expect(results['required .mjs without imports']).toEqual({ outcome: 'done', value: '42' });
  });

  it.runIf(!IN_THREAD_HOOKS)('with off-thread hooks the require is refused as runtime_bypass; ES syntax is compiled as CommonJS', () => {
    for (const label of ['required .mjs importing child_process', 'required .mjs importing a data: URL', 'required .mjs without imports']) {
      expect(results[label], label).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED', violation: 'runtime_bypass' });
    }
    expect(results['required ES syntax in a .js file']).toMatchObject({ outcome: 'thrown', name: 'SyntaxError' });
    expect(run.entries().some((e) => e.violation === 'runtime_bypass' && e.target.endsWith('imports-cp.mjs') && e.decision === 'deny')).toBe(true);
  });
});
