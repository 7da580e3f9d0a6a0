// Every fs read/stat route against a forbidden secret, in every API form and launch mode: denied the way
// Node reports errors, recorded, and the secret never reaches the program (nor a copy of it).
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fsSandbox } from '../helpers/fs-sandbox';
import { governedRun, LAUNCH_MODES } from '../helpers/governed-run';
import { expectedSurface, routeResults } from '../helpers/route-results';

const SECRET = 'TOPSECRET-4f1c';
const REPORTS_FALSE = ['existsSync', 'exists'];

describe.each(LAUNCH_MODES)('fs read routes (%s)', (mode) => {
  const { dir, F, A } = fsSandbox(['fs-read-routes.cjs']);
  writeFileSync(join(F, 'secret.txt'), SECRET);
  mkdirSync(join(F, 'dir'));
  symlinkSync(join(F, 'secret.txt'), join(F, 'link'));
  const run = governedRun({ dir, mode, entry: 'fs-read-routes.cjs', args: [F, A] });
  const results = routeResults(run);
  const deniedLabels = Object.keys(results).filter((label) => !REPORTS_FALSE.includes(label));

  it('ran to completion without the secret', () => {
    expect(run.status).toBe(0);
    expect(run.stdout + run.stderr).not.toContain(SECRET);
    expect(deniedLabels.length).toBeGreaterThan(45);
  });

  it.each(deniedLabels)('%s is denied and surfaces like a Node error', (label) => {
    const outcome = results[label];
    expect(outcome.code, JSON.stringify(outcome)).toBe('EGOVDENIED');
    expect(outcome.surfaced).toBe(expectedSurface(label));
    expect(outcome.message).toMatch(new RegExp(`file_read:${F}(/\\S*)?\\b.*"no-forbidden"`));
  });

  it('exists/existsSync report false, as Node does for any failure', () => {
    for (const label of REPORTS_FALSE) expect(results[label]).toEqual({ surfaced: 'value', value: false });
  });

  it('nothing was copied or linked out', () => {
    expect(readdirSync(A)).toEqual([]);
    expect(existsSync(join(F, 'secret.txt'))).toBe(true);
  });

  it('denials are in the audit log, naming the resolved target', () => {
    const denials = run.entries().filter((e) => e.decision === 'deny' && e.action === 'file_read');
    expect(denials.length).toBeGreaterThanOrEqual(deniedLabels.length);
    const targets = new Set(denials.map((e) => e.target));
    expect(targets.has(join(F, 'secret.txt'))).toBe(true);
    expect(targets.has(F)).toBe(true);
    // readlink/lstat act on the link itself, not on what it points to.
    expect(targets.has(join(F, 'link'))).toBe(true);
  });
});
