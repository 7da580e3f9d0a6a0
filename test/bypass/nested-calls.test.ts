// Program code run from inside a decision (production policy, three launch modes). Recording an allowed action
// schedules the audit flush with a timer and unrefs it; `Timeout.prototype.unref` is the program's to replace, so the
// program's function ran while the kernel was deciding. Until 2026-11-23 the kernel let every call made then through
// as governance's own: a write from there into the denied directory went through, unrecorded. Now it is refused, and
// recorded as runtime_bypass once the decision is over. (Each known way in is closed too; this is the net under them.)
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject, writeOnlyInOkPolicy } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const fs = require('node:fs'), path = require('node:path');
const D = path.join(__dirname, 'denied'), OK = path.join(__dirname, 'ok');
const results = { inside: [] };
const Timeout = setTimeout(() => {}, 0).constructor;
const unref = Timeout.prototype.unref;
let inside = false;
Timeout.prototype.unref = function () {
  if (!inside) {
    inside = true;
    try { fs.writeFileSync(path.join(D, 'from-unref'), 'x'); results.inside.push('written'); }
    catch (e) { results.inside.push(e.code); }
    finally { inside = false; }
  }
  return Reflect.apply(unref, this, arguments);
};
// Allowed writes: each is recorded, and recording schedules the flush timer.
for (let i = 0; i < 5; i++) fs.writeFileSync(path.join(OK, 'f' + i), 'x');
Timeout.prototype.unref = unref;
results.deniedFile = fs.existsSync(path.join(D, 'from-unref'));
process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
`;

describe.each(LAUNCH_MODES)('a governed call from program code run inside a decision (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'denied/.keep': '', 'ok/.keep': '' } });
  const policy = writeOnlyInOkPolicy(dir);
  const run = governedRun({ dir, mode, entry: 'app.cjs', policy });
  const results = run.status === 0 ? routeResults<{ inside: string[]; deniedFile: boolean }>(run) : { inside: [], deniedFile: undefined };
  const entries = run.entries();
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it('the program code did run inside governance (the route is live) and its write was refused', () => {
    expect(results.inside.length).toBeGreaterThan(0);
    expect(results.inside.every((outcome) => outcome === 'EGOVDENIED')).toBe(true);
    expect(results.deniedFile).toBe(false);
    expect(existsSync(join(dir, 'denied', 'from-unref'))).toBe(false);
  });

  it('each refused call is recorded as runtime_bypass', () => {
    const recorded = entries.filter((e) => e.action === 'file_write' && e.target === join(dir, 'denied', 'from-unref') && e.decision === 'deny');
    expect(recorded.length).toBeGreaterThan(0);
    expect(recorded.every((e) => e.violation === 'runtime_bypass')).toBe(true);
  });

  it('positive control: the allowed writes went through', () => {
    for (let i = 0; i < 5; i++) expect(existsSync(join(dir, 'ok', `f${i}`))).toBe(true);
  });
});
