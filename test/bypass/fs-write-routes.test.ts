// Every fs write route, in every API form, against a real production policy, in the three launch modes:
// the denial surfaces the way Node reports errors, names action, target and rule, is in the audit log,
// and the write did not happen. Positive controls: the same routes work where the policy allows them.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fsSandbox, type FsSandbox } from '../helpers/fs-sandbox';
import { governedRun, LAUNCH_MODES } from '../helpers/governed-run';
import { expectedSurface, routeResults } from '../helpers/route-results';

const EXISTING = ['readflag', 'append', 'rplus', 'rm', 'unlink', 'rename', 'chmod', 'utimes', 'truncate'];
const FIXED_TIME = new Date('2020-01-02T03:04:05Z');

function prepare(): FsSandbox {
  const sandbox = fsSandbox(['fs-write-routes.cjs']);
  const { F, A } = sandbox;
  mkdirSync(join(F, 'existing-dir'));
  for (const name of EXISTING) {
    const file = join(F, `existing-${name}`);
    writeFileSync(file, 'orig');
    chmodSync(file, 0o644);
    utimesSync(file, FIXED_TIME, FIXED_TIME);
  }
  writeFileSync(join(A, 'source.txt'), 'source');
  return sandbox;
}

describe.each(LAUNCH_MODES)('fs write routes (%s)', (mode) => {
  const { dir, F, A } = prepare();
  const run = governedRun({ dir, mode, entry: 'fs-write-routes.cjs', args: [F, A] });
  const results = routeResults(run);
  const deniedLabels = Object.keys(results).filter((label) => !label.startsWith('allowed '));

  it('ran to completion', () => {
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    expect(deniedLabels.length).toBeGreaterThan(60);
  });

  it.each(deniedLabels)('%s is denied and surfaces like a Node error', (label) => {
    const outcome = results[label];
    expect(outcome.code, JSON.stringify(outcome)).toBe('EGOVDENIED');
    expect(outcome.surfaced).toBe(expectedSurface(label));
    expect(outcome.message).toMatch(new RegExp(`file_(write|read):${F}/\\S+\\b.*"no-forbidden"`));
  });

  it('no forbidden write happened', () => {
    expect(readdirSync(F).sort()).toEqual(['existing-dir', ...EXISTING.map((n) => `existing-${n}`)].sort());
    for (const name of EXISTING) {
      const file = join(F, `existing-${name}`);
      expect(readFileSync(file, 'utf8'), name).toBe('orig');
      expect(statSync(file).mode & 0o777, name).toBe(0o644);
      expect(statSync(file).mtimeMs, name).toBe(FIXED_TIME.getTime());
    }
    expect(readdirSync(A).filter((n) => n.startsWith('stolen'))).toEqual([]);
    expect(readFileSync(join(A, 'source.txt'), 'utf8')).toBe('source');
  });

  it('every denial is in the audit log', () => {
    const denials = run.entries().filter((e) => e.decision === 'deny');
    expect(denials.length).toBeGreaterThanOrEqual(deniedLabels.length);
    expect(denials.every((e) => e.ruleId === 'no-forbidden' && e.target.startsWith(`${F}/`))).toBe(true);
    const targets = new Set(denials.map((e) => `${e.action}:${e.target}`));
    for (const target of [`${F}/new-writeFileSync`, `${F}/new-url`, `${F}/new-buffer`, `${F}/new-u8`, `${F}/new-stream`, `${F}/existing-chmod`, `${F}/new-p-cp`]) {
      expect(targets.has(`file_write:${target}`), target).toBe(true);
    }
  });

  it('allowed writes work (positive controls)', () => {
    for (const label of Object.keys(results).filter((l) => l.startsWith('allowed '))) expect(results[label], label).toEqual({ surfaced: 'none' });
    for (const name of ['ok-sync.txt', 'ok-cb.txt', 'ok-promise.txt', 'ok-stream.txt']) expect(readFileSync(join(A, name), 'utf8')).toBe('ok');
    expect(readFileSync(join(A, 'ok-handle.txt'), 'utf8')).toBe('ok!');
    expect(existsSync(join(A, 'ok-dir-copy/renamed.txt'))).toBe(true);
    const allows = run.entries().filter((e) => e.decision === 'allow' && e.action === 'file_write');
    expect(allows.some((e) => e.target === join(A, 'ok-stream.txt'))).toBe(true);
  });
});
