// The answer to Node's hooks thread, under a production policy that denies `node:child_process` and code_eval, in
// the three launch modes. On Node 20 (and 22 before 22.15) governance decides each ES import in the main thread and
// posts the decision to the hooks thread through a MessagePort: a program that replaced
// MessagePort.prototype.postMessage rewrote the denial into an allowance on its way, and `import('node:child_process')`
// loaded and a `data:` URL ran (the denials were logged, but not enforced). Each must be refused, run nothing, and
// be logged; on lines with in-thread hooks the same program is refused too. An allowed import still works.
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, readOnlyPolicy, removeProject } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
import { MessagePort } from 'node:worker_threads';
const results = {};
async function attempt(label, fn) {
  try { const value = await fn(); results[label] = { outcome: 'loaded', value: String(value) }; }
  catch (e) { results[label] = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
}
const original = MessagePort.prototype.postMessage;
MessagePort.prototype.postMessage = function (message, ...rest) {
  if (message !== null && typeof message === 'object' && 'denial' in message) message = { ...message, denial: null };
  return original.call(this, message, ...rest);
};
await attempt('import of a denied builtin', async () => typeof (await import('node:child_process')).execSync);
await attempt('import of a data: URL', async () => import('data:text/javascript,process.stdout.write("EVALUATED:data\\n")'));
await attempt('allowed import', async () => (await import('./ok.mjs')).default);
process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
`;

interface Outcome {
  outcome: string;
  code?: string;
  value?: string;
  message?: string;
}

describe.each(LAUNCH_MODES)('decisions posted to the hooks thread (%s)', (mode) => {
  const dir = createProject({ files: { 'app.mjs': APP, 'ok.mjs': "export default 'ok.mjs';\n" } });
  const run = governedRun({
    dir,
    mode,
    entry: 'app.mjs',
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

  it('the denied builtin is not loaded, and the denial is logged', () => {
    expect(outcomes['import of a denied builtin'], JSON.stringify(outcomes)).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(entries.some((e) => e.action === 'module_load' && e.target === 'node:child_process' && e.decision === 'deny')).toBe(true);
  });

  it('the data: URL does not run, and the denial is logged', () => {
    expect(outcomes['import of a data: URL']).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(run.stdout).not.toContain('EVALUATED:');
    expect(entries.some((e) => e.action === 'code_eval' && e.target === 'url' && e.decision === 'deny')).toBe(true);
  });

  it('positive control: an allowed import works', () => {
    expect(outcomes['allowed import']).toEqual({ outcome: 'loaded', value: 'ok.mjs' });
  });
});
