// rm with options that leave `recursive` out (a legitimate program broken), in the three launch modes under a
// production policy. Governance copies the options once to read `recursive`; the copy gave Node an own
// `recursive: undefined`, which replaced the default `false` in the defaults rm spreads its options over:
// `fs.rmSync(file, { force: true })`, `fs.rm(file, { force: true }, cb)` and `fs.promises.rm` threw
// ERR_INVALID_ARG_TYPE on every line. Allowed removals must work again; a removal the rules refuse stays refused
// and logged.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, readOnlyPolicy, removeProject } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const fs = require('node:fs');
const results = {};
const record = (label, error) => { results[label] = error ? { outcome: 'thrown', code: error.code, message: String(error.message) } : { outcome: 'ok' }; };
function sync(label, fn) { try { fn(); record(label, null); } catch (e) { record(label, e); } }
(async () => {
  for (const name of ['a', 'b', 'c', 'd']) fs.writeFileSync('ok/' + name + '.txt', 'x');
  sync('rmSync force', () => fs.rmSync('ok/a.txt', { force: true }));
  sync('rmSync force, missing file', () => fs.rmSync('ok/missing.txt', { force: true, maxRetries: 1 }));
  await new Promise((done) => { try { fs.rm('ok/b.txt', { force: true }, (e) => { record('rm force (callback)', e); done(); }); } catch (e) { record('rm force (callback)', e); done(); } });
  try { await fs.promises.rm('ok/c.txt', { force: true }); record('promises.rm force', null); } catch (e) { record('promises.rm force', e); }
  sync('rmdirSync {}', () => { fs.mkdirSync('ok/dir'); fs.rmdirSync('ok/dir', {}); });
  sync('rmSync force outside the writable area', () => fs.rmSync('keep.txt', { force: true }));
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
})();
`;

interface Outcome {
  outcome: string;
  code?: string;
  message?: string;
}

describe.each(LAUNCH_MODES)('rm with options that leave recursive out (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'ok/.keep': '', 'keep.txt': 'keep' } });
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    policy: readOnlyPolicy(dir, [{ id: 'ok', action: 'file_write', target: [`${dir}/ok/**`], effect: 'allow' }]),
  });
  const outcomes = routeResults<Record<string, Outcome>>(run);
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(['rmSync force', 'rmSync force, missing file', 'rm force (callback)', 'promises.rm force', 'rmdirSync {}'])('%s works on an allowed path', (label) => {
    expect(outcomes[label], JSON.stringify(outcomes)).toEqual({ outcome: 'ok' });
  });

  it('the allowed files are gone', () => {
    for (const name of ['a', 'b', 'c']) expect(existsSync(join(dir, 'ok', `${name}.txt`))).toBe(false);
    expect(existsSync(join(dir, 'ok', 'd.txt'))).toBe(true);
  });

  it('a removal the rules refuse stays refused and logged', () => {
    expect(outcomes['rmSync force outside the writable area']).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(existsSync(join(dir, 'keep.txt'))).toBe(true);
    expect(run.entries().some((e) => e.action === 'file_write' && e.target === join(dir, 'keep.txt') && e.decision === 'deny')).toBe(true);
  });
});
