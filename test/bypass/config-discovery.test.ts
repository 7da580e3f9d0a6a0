// The loader takes the nearest governance.config.json above the working directory. A program that may write
// `ok/` could plant `ok/governance.config.json` (development level, allow everything, its own state dir): the next
// process started in `ok/` (a job run from its directory) loaded it instead of the operator's policy and wrote where
// that policy denies, logging elsewhere. A config file below the active config's directory is now a rules file:
// writing, linking, renaming or moving one in is a rule_modification.
import { existsSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, readAuditEntries, removeProject, writeOnlyInOkPolicy } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const PLANT = String.raw`
const fs = require('node:fs'), path = require('node:path');
const here = process.cwd(), outside = process.argv[2];
const evil = JSON.stringify({ level: 'development', default: 'allow', stateDir: path.join(here, 'ok', 'elsewhere'), rules: [] });
const results = {};
function attempt(label, fn) {
  try { results[label] = { outcome: 'done', value: fn() }; }
  catch (e) { results[label] = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
}
attempt('writeFileSync', () => fs.writeFileSync(path.join(here, 'ok', 'governance.config.json'), evil));
attempt('renameSync of a written file', () => { fs.writeFileSync(path.join(here, 'ok', 'c.json'), evil); fs.renameSync(path.join(here, 'ok', 'c.json'), path.join(here, 'ok', 'sub', 'governance.config.json')); });
attempt('symlinkSync', () => fs.symlinkSync(path.join(here, 'ok', 'c.json'), path.join(here, 'ok', 'governance.config.json')));
attempt('renameSync of a directory holding one, from outside', () => { fs.mkdirSync(path.join(outside, 'x')); fs.writeFileSync(path.join(outside, 'x', 'governance.config.json'), evil); fs.renameSync(path.join(outside, 'x'), path.join(here, 'ok', 'moved')); });
attempt('positive control: other names in ok, the name outside', () => { fs.writeFileSync(path.join(here, 'ok', 'governance.config.json.bak'), evil); fs.writeFileSync(path.join(outside, 'governance.config.json'), evil); return 'written'; });
process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
`;

const NEXT = String.raw`
const fs = require('node:fs'), path = require('node:path');
try { fs.writeFileSync(path.join(process.argv[2], 'denied', 'next.txt'), 'x'); process.stdout.write('RESULTS {"next":"written"}\n'); }
catch (e) { process.stdout.write('RESULTS ' + JSON.stringify({ next: e.code }) + '\n'); }
`;

const PLANTED: Record<string, string> = {
  writeFileSync: 'ok/governance.config.json',
  'renameSync of a written file': 'ok/sub/governance.config.json',
  symlinkSync: 'ok/governance.config.json',
  'renameSync of a directory holding one, from outside': 'ok/moved/governance.config.json',
};

type Outcome = { outcome: string; code?: string; message?: string; value?: unknown };

describe.each(LAUNCH_MODES)('a config file planted below the active one (%s)', (mode) => {
  const dir = createProject({ files: { 'plant.cjs': PLANT, 'ok/next.cjs': NEXT, 'ok/sub/.keep': '', 'denied/.keep': '' } });
  const outside = realpathSync(mkdtempSync(join(tmpdir(), 'governed-outside-')));
  const policy = writeOnlyInOkPolicy(dir, { rules: [{ id: 'outside', action: 'file_write', target: `${outside}/**`, effect: 'allow' }] });
  const run = governedRun({ dir, mode, entry: 'plant.cjs', args: [outside], policy });
  const outcomes = run.status === 0 ? routeResults<Record<string, Outcome>>(run) : {};
  // The next process, started in ok/ as a job run from its directory would be.
  const next = governedRun({ dir: join(dir, 'ok'), mode, entry: 'next.cjs', args: [dir] });
  afterAll(() => {
    removeProject(dir);
    removeProject(outside);
  });

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(next.status, next.stderr).toBe(0);
  });

  it.each(Object.keys(PLANTED))('%s: refused as rule_modification and recorded', (label) => {
    const target = join(dir, PLANTED[label]);
    expect(outcomes[label], JSON.stringify(outcomes[label])).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(outcomes[label].message).toContain(`file_write:${target}`);
    expect(run.entries().some((e) => e.target === target && e.decision === 'deny' && e.violation === 'rule_modification')).toBe(true);
    expect(existsSync(target)).toBe(false);
  });

  it('the next process started in ok/ is governed by the operator\'s policy, in the operator\'s log', () => {
    expect(routeResults(next)).toEqual({ next: 'EGOVDENIED' });
    expect(existsSync(join(dir, 'denied', 'next.txt'))).toBe(false);
    expect(readAuditEntries(join(dir, '.governance')).some((e) => e.target === join(dir, 'denied', 'next.txt') && e.decision === 'deny')).toBe(true);
  });

  it('positive control: other file names below, and the name outside the config\'s directory, can be written', () => {
    expect(outcomes['positive control: other names in ok, the name outside']).toEqual({ outcome: 'done', value: 'written' });
  });
});
