// Path tricks: symlinks inside an allowed dir pointing out, dangling symlinks, `..` (also after a
// symlink, where the OS and lexical normalisation disagree), Buffer and URL paths, relative paths after
// process.chdir, /proc/self/cwd, links and renames of a forbidden file.
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fsSandbox } from '../helpers/fs-sandbox';
import { governedRun, LAUNCH_MODES } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

describe.each(LAUNCH_MODES)('fs path tricks (%s)', (mode) => {
  const { dir, F, A } = fsSandbox(['fs-path-tricks.cjs']);
  writeFileSync(join(F, 'secret.txt'), 'secret');
  mkdirSync(join(A, 'sub'));
  symlinkSync(F, join(A, 'link-out'));
  symlinkSync(join(F, 'through-dangling'), join(A, 'dangling'));
  const run = governedRun({ dir, mode, entry: 'fs-path-tricks.cjs', args: [F, A] });
  const results = routeResults(run);
  const tricks = Object.keys(results).filter((label) => !label.startsWith('allowed '));

  it('ran to completion', () => {
    expect(run.status).toBe(0);
    expect(tricks.length).toBeGreaterThanOrEqual(18);
  });

  it.each(tricks)('%s is denied against the real (resolved) forbidden path', (label) => {
    const outcome = results[label];
    expect(outcome.code, JSON.stringify(outcome)).toBe('EGOVDENIED');
    expect(outcome.surfaced).toBe('throw');
    expect(outcome.message).toMatch(new RegExp(`file_(read|write):${F}(/\\S*)?\\b.*"no-forbidden"`));
  });

  it('nothing was created in or taken from the forbidden dir', () => {
    expect(readdirSync(F)).toEqual(['secret.txt']);
    expect(readFileSync(join(F, 'secret.txt'), 'utf8')).toBe('secret');
    expect(readdirSync(A).filter((name) => name.startsWith('new-'))).toEqual([]);
  });

  it('tricks that stay inside the allowed dir still work', () => {
    for (const label of Object.keys(results).filter((l) => l.startsWith('allowed '))) expect(results[label], label).toEqual({ surfaced: 'none' });
    expect(readFileSync(join(A, 'ok-rel.txt'), 'utf8')).toBe('ok');
    expect(readFileSync(join(A, 'ok-dotdot.txt'), 'utf8')).toBe('ok');
    expect(existsSync(join(A, 'link-moved'))).toBe(true);
  });

  it('the audit log holds the resolved targets', () => {
    const targets = new Set(run.entries().filter((e) => e.decision === 'deny').map((e) => `${e.action}:${e.target}`));
    expect(targets.has(`file_write:${F}/through-dangling`)).toBe(true);
    expect(targets.has(`file_write:${F}/new-link-dotdot`)).toBe(true);
    expect(targets.has(`file_write:${F}/new-proc`)).toBe(true);
    expect(targets.has(`file_read:${F}/secret.txt`)).toBe(true);
  });
});
