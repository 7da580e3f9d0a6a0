// `node --frozen-intrinsics` (an operator's flag) freezes `Error`, so governance cannot install its own
// `prepareStackTrace` to read the caller. Governance still starts and decides every call, and entries name no
// caller. Where a rule needs the caller (`from`), the decisions of that action fail closed. Until 2026-11-23 the
// audit log could not even be created under the flag on Node 20 (better-sqlite3 12 finds its addon with the
// `bindings` package, which sets `Error.prepareStackTrace`), so a governed program refused to start.
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject } from '../helpers/governed-run';
import { printedResults } from '../helpers/route-results';

const APP = String.raw`
const fs = require('node:fs');
const results = {};
for (const name of ['denied/x.txt', 'ok/x.txt']) {
  try { fs.writeFileSync(name, 'x'); results[name] = 'written'; } catch (e) { results[name] = e.code; }
}
process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
`;

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeProject));

describe.each(LAUNCH_MODES)('governance under --frozen-intrinsics (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'denied/.keep': '', 'ok/.keep': '' } });
  dirs.push(dir);
  const deny = { id: 'no-denied', action: 'file_write', target: `${dir}/denied/**`, effect: 'deny' };
  const run = governedRun({ dir, mode, entry: 'app.cjs', nodeFlags: ['--frozen-intrinsics'], policy: { level: 'production', default: 'allow', rules: [deny] } });
  const results = printedResults<Record<string, string>>(run);

  it('starts and decides: a denied write is refused and an allowed one made', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(results['denied/x.txt']).toBe('EGOVDENIED');
    expect(results['ok/x.txt']).toBe('written');
  });

  it('records the refusal without a caller', () => {
    const denied = run.entries().filter((e) => e.action === 'file_write' && e.target === `${dir}/denied/x.txt`);
    expect(denied).toHaveLength(1);
    expect(denied[0]).toMatchObject({ decision: 'deny', ruleId: 'no-denied', caller: null });
  });

  it('fails closed where a rule needs the caller', () => {
    const fromRule = { id: 'app', action: 'file_write', target: `${dir}/ok/**`, from: [`${dir}/app.cjs`], effect: 'allow' };
    const withFrom = governedRun({ dir, mode, entry: 'app.cjs', nodeFlags: ['--frozen-intrinsics'], policy: { level: 'production', default: 'allow', rules: [deny, fromRule] } });
    expect(printedResults<Record<string, string>>(withFrom)).toEqual({ 'denied/x.txt': 'EGOVDENIED', 'ok/x.txt': 'EGOVDENIED' });
  });
});
