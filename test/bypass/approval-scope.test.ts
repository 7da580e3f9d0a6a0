// withApprovedActions read its actions with the program's Array.prototype.map and join, and opened the scope with
// AsyncLocalStorage.prototype.run, which the program can replace: a replaced join made the approval_scope entry name
// other actions than the scope approved, a replaced map handed the kernel a list of the program's, and a replaced run
// was handed the scope itself, whose action list it could widen after the entry was written. The actions are now read
// once by index into a frozen list of governance's own, the entry names what was parsed, and run is captured.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const fs = require('node:fs'), path = require('node:path');
const { AsyncLocalStorage } = require('node:async_hooks');
const { withApprovedActions } = require('@mltrainer/governance');
const here = process.cwd();
const approved = 'file_write:' + path.join(here, 'ok', 'approved') + '/**';
const results = {};
function attempt(label, fn) {
  try { results[label] = { outcome: 'done', value: fn() }; }
  catch (e) { results[label] = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
}
const realJoin = Array.prototype.join, realRun = AsyncLocalStorage.prototype.run;
Array.prototype.join = function () { return 'file_read:/nothing'; };
AsyncLocalStorage.prototype.run = function (store, callback, ...args) {
  if (store && Array.isArray(store.actions)) { try { store.actions.push({ kind: 'file_write', pattern: null }); } catch {} }
  return realRun.call(this, store, callback, ...args);
};
attempt('an approved write in the scope', () => withApprovedActions([approved], 'alice', () => { fs.writeFileSync(path.join(here, 'ok', 'approved', 'a.txt'), 'a'); return 'written'; }));
attempt('a write the scope does not approve', () => withApprovedActions([approved], 'alice', () => fs.writeFileSync(path.join(here, 'ok', 'other', 'b.txt'), 'b')));
Array.prototype.join = realJoin;
AsyncLocalStorage.prototype.run = realRun;
process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
`;

type Outcome = { outcome: string; code?: string; message?: string; value?: unknown };

describe.each(LAUNCH_MODES)('approval scopes with a replaced join, map and AsyncLocalStorage run (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'ok/approved/.keep': '', 'ok/other/.keep': '' } });
  const policy = {
    level: 'staging',
    default: 'deny',
    rules: [
      { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
      { id: 'needs-approval', action: 'file_write', target: `${dir}/ok/**`, effect: 'approve' },
    ],
  };
  const run = governedRun({ dir, mode, entry: 'app.cjs', policy });
  const outcomes = run.status === 0 ? routeResults<Record<string, Outcome>>(run) : {};
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it('the approval_scope entries name the actions the scope approved', () => {
    const scopes = run.entries().filter((e) => e.action === 'approval_scope');
    expect(scopes.map((e) => e.target)).toEqual([`file_write:${dir}/ok/approved/**`, `file_write:${dir}/ok/approved/**`]);
  });

  it('the scope cannot be widened: a write it does not approve is refused and recorded', () => {
    expect(outcomes['a write the scope does not approve']).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(existsSync(join(dir, 'ok', 'other', 'b.txt'))).toBe(false);
    expect(run.entries().some((e) => e.target === join(dir, 'ok', 'other', 'b.txt') && e.decision === 'deny')).toBe(true);
  });

  it('positive control: the approved write goes through, recorded as approved', () => {
    expect(outcomes['an approved write in the scope']).toEqual({ outcome: 'done', value: 'written' });
    expect(run.entries().some((e) => e.target === join(dir, 'ok', 'approved', 'a.txt') && e.decision === 'approved' && e.actor === 'alice')).toBe(true);
  });
});
