// ESM import styles (default, namespace, named, dynamic, createRequire, getBuiltinModule) of node:fs,
// fs/promises and child_process; references captured before use; tampering with the built-ins and
// helpers governance relies on; time-of-check/time-of-use tricks with getters and mutable Buffers.
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fsSandbox } from '../helpers/fs-sandbox';
import { governedRun, LAUNCH_MODES } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

function program(dir: string): string {
  const prog = join(dir, 'mk-marker.sh');
  writeFileSync(prog, '#!/bin/sh\ntouch "$1"\n');
  chmodSync(prog, 0o755);
  return prog;
}

describe.each(LAUNCH_MODES)('ESM import styles (%s)', (mode) => {
  const { dir, F } = fsSandbox(['imports-esm.mjs']);
  const prog = program(dir);
  const run = governedRun({ dir, mode, entry: 'imports-esm.mjs', args: [F, prog] });
  const results = routeResults(run);
  const labels = Object.keys(results);

  it('ran every import style', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(labels.length).toBeGreaterThanOrEqual(13);
  });

  it.each(labels)('%s is governed', (label) => {
    const outcome = results[label];
    expect(outcome.code, JSON.stringify(outcome)).toBe('EGOVDENIED');
    expect(outcome.surfaced).toBe(label.includes('(promise)') ? 'reject' : 'throw');
  });

  it('nothing was written and no program ran', () => {
    expect(readdirSync(F)).toEqual([]);
  });
});

describe.each(LAUNCH_MODES)('captured references and tampering (%s)', (mode) => {
  // Workers and eval are allowed here so that the worker route exercises fs inside the worker.
  const { dir, F, A } = fsSandbox(['tamper.cjs'], [{ id: 'workers', action: ['worker_spawn', 'code_eval'], target: '**', effect: 'allow' }]);
  const prog = program(dir);
  const readonly = join(dir, 'readonly.txt');
  writeFileSync(readonly, 'keep me');
  const run = governedRun({ dir, mode, entry: 'tamper.cjs', args: [F, A, readonly, prog] });
  const results = routeResults(run);
  const denied = Object.keys(results).filter((label) => !label.endsWith('(value)'));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(denied.length).toBeGreaterThanOrEqual(14);
  });

  it.each(denied)('%s is still denied', (label) => {
    const outcome = results[label];
    expect(outcome.code, JSON.stringify(outcome)).toBe('EGOVDENIED');
    const expected = label.includes('(promise)') ? 'reject' : label.includes('(error event)') ? 'error-event' : 'throw';
    expect(outcome.surfaced).toBe(expected);
  });

  it('getters and mutable Buffers cannot change the path or flags after the check', () => {
    expect(results['toggling URL-like object (value)']).toEqual({ surfaced: 'value', value: 'written' });
    expect(readFileSync(join(A, 'toggle-ok'), 'utf8')).toBe('x');
    expect(results['Buffer path mutated by an options getter (sync)'].message).toContain(`file_write:${F}/mmm`);
    expect(results['flag option flipped by a getter (value)']).toEqual({ surfaced: 'value', value: 'keep me'.length });
    expect(readFileSync(readonly, 'utf8')).toBe('keep me');
  });

  it('nothing was written to the forbidden dir and no program ran', () => {
    expect(readdirSync(F)).toEqual([]);
  });

  it('wrappers look like the originals, expose nothing and are locked', () => {
    expect(results['wrapper shape (value)']).toEqual({
      surfaced: 'value',
      value: { ownKeys: ['length', 'name', 'prototype'], name: 'writeFileSync', length: 3, writable: false, configurable: false, hasOriginal: false },
    });
  });

  it('fs inside a worker thread is governed too', () => {
    expect(results['fs inside a worker thread (value)']).toEqual({ surfaced: 'value', value: 'EGOVDENIED' });
  });

  it("Node's own module loading still works with the locked fs", () => {
    expect(results['require still loads files (value)']).toEqual({ surfaced: 'value', value: 42 });
  });
});
