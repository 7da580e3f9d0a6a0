// ES imports under the operator's `--conditions require` (`-C require`), under a production policy that denies
// `node:child_process` and code_eval, in the three launch modes. The in-thread load hook (Node 22.15+, 24, 26) leaves
// require() to Module._load and told it apart by a `require` among the load's conditions, which an import then has
// too: `import('node:child_process')` loaded and a `data:` URL ran with no decision. Each must be refused and
// logged; allowed imports and requires still work, each decided once.
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, readOnlyPolicy, removeProject } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const results = {};
async function attempt(label, fn) {
  try { const value = await fn(); results[label] = { outcome: 'loaded', value: String(value) }; }
  catch (e) { results[label] = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
}
await attempt('import of a denied builtin', async () => typeof (await import('node:child_process')).execSync);
await attempt('import of a data: URL', async () => import('data:text/javascript,process.stdout.write("EVALUATED:data\\n")'));
await attempt('require of a denied builtin', () => typeof require('node:child_process').execSync);
await attempt('allowed import', async () => (await import('./ok.mjs')).default);
await attempt('allowed require', () => require('./ok.cjs'));
process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
`;

interface Outcome {
  outcome: string;
  code?: string;
  value?: string;
  message?: string;
}

describe.each(LAUNCH_MODES)('imports under --conditions require (%s)', (mode) => {
  const dir = createProject({ files: { 'app.mjs': APP, 'ok.mjs': "export default 'ok.mjs';\n", 'ok.cjs': "module.exports = 'ok.cjs';\n" } });
  const run = governedRun({
    dir,
    mode,
    entry: 'app.mjs',
    nodeFlags: ['--conditions', 'require'],
    policy: readOnlyPolicy(dir, [
      { id: 'no-cp', action: 'module_load', target: 'node:child_process', effect: 'deny' },
    ]),
  });
  const outcomes = routeResults<Record<string, Outcome>>(run);
  const entries = run.entries();
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(['import of a denied builtin', 'require of a denied builtin'])('%s is refused and logged', (label) => {
    expect(outcomes[label], JSON.stringify(outcomes)).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(outcomes[label].message).toContain('module_load:node:child_process');
    expect(entries.some((e) => e.action === 'module_load' && e.target === 'node:child_process' && e.decision === 'deny')).toBe(true);
  });

  it('the data: URL does not run, and the denial is logged', () => {
    expect(outcomes['import of a data: URL']).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(run.stdout).not.toContain('EVALUATED:');
    expect(entries.some((e) => e.action === 'code_eval' && e.target === 'url' && e.decision === 'deny')).toBe(true);
  });

  it('positive controls: allowed imports and requires work, each decided once', () => {
    expect(outcomes['allowed import']).toEqual({ outcome: 'loaded', value: 'ok.mjs' });
    expect(outcomes['allowed require']).toEqual({ outcome: 'loaded', value: 'ok.cjs' });
    expect(entries.filter((e) => e.action === 'module_load' && e.target === `${dir}/ok.cjs`)).toHaveLength(1);
  });
});
