// Every child_process route on a forbidden program, in the three launch modes, against a production
// policy that allows only `sh` and `echo`: each attempt is denied the way Node reports a failed spawn,
// the program never ran (it would have created a marker file), and the denial is in the audit log.
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, writeProjectFiles } from '../helpers/governed-run';
import { hookApp, routeResults, type RouteOutcome } from '../helpers/route-results';

function expectedSurface(label: string): RouteOutcome['surfaced'] {
  if (label.includes('Sync')) return 'throw';
  if (label.startsWith('exec')) return 'callback';
  return 'error-event';
}

function prepare(): { dir: string; prog: string; markers: string } {
  const dir = createProject({ files: hookApp('cp-routes.cjs', 'fork-child.cjs') });
  const prog = join(dir, 'mk-marker.sh');
  const markers = join(dir, 'markers');
  writeFileSync(prog, '#!/bin/sh\ntouch "$1"\n');
  chmodSync(prog, 0o755);
  mkdirSync(markers);
  writeProjectFiles(dir, {
    policy: {
      level: 'production',
      default: 'deny',
      rules: [
        { id: 'read-code', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
        { id: 'markers', action: 'file_write', target: `${markers}/**`, effect: 'allow' },
        { id: 'tools', action: 'process_spawn', target: ['sh', 'echo'], effect: 'allow' },
      ],
    },
  });
  return { dir, prog, markers };
}

describe.each(LAUNCH_MODES)('child_process routes (%s)', (mode) => {
  const { dir, prog, markers } = prepare();
  const run = governedRun({ dir, mode, entry: 'cp-routes.cjs', args: [prog, markers] });
  const results = routeResults(run);
  const labels = Object.keys(results).filter((label) => !label.startsWith('allowed ') && !label.endsWith('(value)'));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(labels.length).toBeGreaterThanOrEqual(17);
  });

  it.each(labels)('%s is denied and surfaces like a failed spawn', (label) => {
    const outcome = results[label];
    expect(outcome.code, JSON.stringify(outcome)).toBe('EGOVDENIED');
    expect(outcome.surfaced).toBe(expectedSurface(label));
    expect(outcome.message).toMatch(/process_spawn:\/\S+ \(rule "default"/);
  });

  it('raw handles below the public API get a libuv error, not a process', () => {
    expect(results['raw Process handle (value)']).toEqual({ surfaced: 'value', value: expect.any(Number) });
    expect(results['raw Process handle (value)'].value).toBeLessThan(0);
    const binding = results['process.binding spawn_sync (value)'];
    if (binding.surfaced === 'throw') expect(binding.code).toBe('EGOVDENIED');
    else expect((binding.value as { error?: number }).error).toBeLessThan(0);
    expect(results['overwrite the hook (value)']).toEqual({ surfaced: 'value', value: 'function' });
  });

  it('an inherited file getter gets the program it answered to the check: denied, or echo ran', () => {
    const outcomes = results['inherited file getter (value)'].value as string[];
    expect(outcomes).toHaveLength(8);
    for (const outcome of outcomes) expect(['EGOVDENIED', 'ran']).toContain(outcome);
    expect(outcomes).toContain('EGOVDENIED'); // the check read the forbidden program
    expect(outcomes).toContain('ran'); // the check read echo, and echo is what ran (no marker: below)
  });

  it('the forbidden program never ran', () => {
    expect(readdirSync(markers)).toEqual([]);
  });

  it('denials name the resolved program and are in the audit log', () => {
    const denied = run.entries().filter((e) => e.decision === 'deny' && e.action === 'process_spawn');
    const targets = new Set(denied.map((e) => e.target));
    expect(targets.has(prog)).toBe(true);
    expect(targets.has(process.execPath)).toBe(true); // fork without execPath
    expect(denied.length).toBeGreaterThanOrEqual(labels.length);
    expect(results.exec.message).toContain(`process_spawn:${prog}`);
    expect(results['exec via PATH'].message).toContain(`process_spawn:${prog}`);
  });

  it('allowed programs run (positive controls)', () => {
    for (const label of Object.keys(results).filter((l) => l.startsWith('allowed '))) expect(results[label], label).toEqual({ surfaced: 'none' });
    const allowed = run.entries().filter((e) => e.decision === 'allow' && e.action === 'process_spawn');
    expect(allowed.map((e) => e.target)).toEqual(expect.arrayContaining(['/bin/sh', '/bin/echo']));
  });
});
