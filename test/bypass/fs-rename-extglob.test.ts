// A rename must not take files out from under the rule that protects them: the tree checks find the rules that could
// apply below a moved directory by each pattern's literal prefix. That prefix ran through extglob openers (`@(`, `+(`),
// named no real directory, and the rule was skipped: with `ok/@(keep)/x/**` write-denied, `ok/keep` was renamed to
// `ok/moved` and the protected file overwritten at its new name. Extglob openers now end the prefix.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject, writeOnlyInOkPolicy } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const fs = require('node:fs');
const results = {};
function attempt(label, fn) {
  try { fn(); results[label] = { outcome: 'done' }; }
  catch (e) { results[label] = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
}
attempt('direct write under @(keep)', () => fs.writeFileSync('ok/keep/x/protected.txt', 'OVERWRITTEN'));
attempt('rename ok/keep away, then write', () => { fs.renameSync('ok/keep', 'ok/moved'); fs.writeFileSync('ok/moved/x/protected.txt', 'OVERWRITTEN'); });
attempt('rename ok/hold away, then write', () => { fs.renameSync('ok/hold', 'ok/moved2'); fs.writeFileSync('ok/moved2/x/protected.txt', 'OVERWRITTEN'); });
attempt('positive control: rename ok/other', () => fs.renameSync('ok/other', 'ok/other2'));
process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
`;

type Outcome = { outcome: string; code?: string; message?: string };
const REFUSED = ['direct write under @(keep)', 'rename ok/keep away, then write', 'rename ok/hold away, then write'];

describe.each(LAUNCH_MODES)('renames under deny rules written with extglobs (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'ok/keep/x/protected.txt': 'P1', 'ok/hold/x/protected.txt': 'P2', 'ok/other/x/free.txt': 'F' } });
  const policy = writeOnlyInOkPolicy(dir, {
    rules: [
      { id: 'keep-at', action: 'file_write', target: `${dir}/ok/@(keep)/x/**`, effect: 'deny' },
      { id: 'hold-plus', action: 'file_write', target: `${dir}/ok/+(hold)/x/**`, effect: 'deny' },
    ],
  });
  const run = governedRun({ dir, mode, entry: 'app.cjs', policy });
  const results = run.status === 0 ? routeResults<Record<string, Outcome>>(run) : {};
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(REFUSED)('%s: refused by the rule, and recorded', (label) => {
    expect(results[label], JSON.stringify(results[label])).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
  });

  it('the protected files are where they were, unchanged, and the refused renames are in the log', () => {
    expect(readFileSync(join(dir, 'ok', 'keep', 'x', 'protected.txt'), 'utf8')).toBe('P1');
    expect(readFileSync(join(dir, 'ok', 'hold', 'x', 'protected.txt'), 'utf8')).toBe('P2');
    const refused = run.entries().filter((e) => e.action === 'file_write' && e.decision === 'deny' && (e.ruleId === 'keep-at' || e.ruleId === 'hold-plus'));
    expect(refused.some((e) => e.ruleId === 'keep-at' && e.target !== join(dir, 'ok', 'keep', 'x', 'protected.txt'))).toBe(true);
    expect(refused.some((e) => e.ruleId === 'hold-plus')).toBe(true);
  });

  it('positive control: a directory no rule protects is renamed', () => {
    expect(results['positive control: rename ok/other']).toEqual({ outcome: 'done' });
    expect(readFileSync(join(dir, 'ok', 'other2', 'x', 'free.txt'), 'utf8')).toBe('F');
  });
});
