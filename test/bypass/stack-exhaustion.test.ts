// A governed call made with almost no stack left (production policy, three launch modes). Governance's own work
// then runs out of stack in the middle of a check: the RangeError must stop the call, never be taken for the file
// system's answer. Until 2026-11-23 a realpath that threw it made the path be decided by its own name, so a write
// through `ok/link` (a symlink into the denied directory) was recorded as an allowed write of ok/link and Node
// wrote the denied file. The app tries the write in each frame as the stack unwinds from its limit.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject, writeOnlyInOkPolicy } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const fs = require('node:fs'), path = require('node:path');
const D = path.join(__dirname, 'denied'), OK = path.join(__dirname, 'ok');
fs.symlinkSync(path.join(D, 'target'), path.join(OK, 'link'));
fs.writeFileSync(path.join(OK, 'real'), '');
fs.symlinkSync(path.join(OK, 'real'), path.join(OK, 'good'));
const write = (name) => { try { fs.writeFileSync(path.join(OK, name), 'x'); return 'written'; } catch (e) { return (e && e.code) || (e && e.name); } };
const results = { plain: write('link'), allowed: write('good') };
// Each frame, as the stack unwinds from its limit, tries the write once: every depth near the limit is tried.
const outcomes = {};
let done = false, denials = 0;
function sweep() {
  try { sweep(); } catch {}
  if (done) return;
  const outcome = write('link');
  outcomes[outcome] = (outcomes[outcome] || 0) + 1;
  if (outcome === 'written' || (outcome === 'EGOVDENIED' && ++denials > 200)) done = true;
}
for (let round = 0; round < 3 && !outcomes.written; round++) { done = false; denials = 0; sweep(); }
results.deep = outcomes;
results.deniedFile = fs.existsSync(path.join(D, 'target'));
process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
`;

describe.each(LAUNCH_MODES)('a write through a symlink at every depth near the stack limit (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'denied/.keep': '', 'ok/.keep': '' } });
  const policy = writeOnlyInOkPolicy(dir);
  const run = governedRun({ dir, mode, entry: 'app.cjs', policy, timeoutMs: 120_000 });
  const results = run.status === 0 ? routeResults<{ plain?: string; allowed?: string; deep?: Record<string, number>; deniedFile?: boolean }>(run) : {};
  const entries = run.entries();
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it('the denied file was never written, at any depth', () => {
    expect(results.deep?.written, JSON.stringify(results.deep)).toBeUndefined();
    expect(results.deniedFile).toBe(false);
    expect(existsSync(join(dir, 'denied', 'target'))).toBe(false);
  });

  it('the write through the link was never recorded as an allowed write of the link itself', () => {
    // One allow: the symlink's creation.
    expect(entries.filter((e) => e.action === 'file_write' && e.target === join(dir, 'ok', 'link') && e.decision === 'allow')).toHaveLength(1);
    expect(entries.some((e) => e.action === 'file_write' && e.target === join(dir, 'denied', 'target') && e.decision === 'deny')).toBe(true);
  });

  it('positive control: at a normal depth the link is refused and an allowed link written', () => {
    expect(results.plain).toBe('EGOVDENIED');
    expect(results.allowed).toBe('written');
  });
});
