// Fails when any path-taking function exported by fs or fs/promises on the running Node version is not
// governed: every function export must be replaced by a locked wrapper of the same shape, unless
// FS_UNGOVERNED lists it (fd-only APIs, classes, pure helpers) with the reason.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FS_UNGOVERNED } from '../../src/hooks/fs-routes';

interface ExportReport {
  replaced: boolean;
  locked: boolean;
  sameName: boolean;
  sameLength: boolean;
}

const probe = JSON.parse(execFileSync(process.execPath, [join(__dirname, 'scripts', 'coverage-probe.cjs')], { encoding: 'utf8' })) as {
  node: string;
  fs: Record<string, ExportReport>;
  promises: Record<string, ExportReport>;
  realpathNativeReplaced: boolean;
  childProcess: Record<string, ExportReport>;
  childProcessPrototypeSpawnLocked: boolean;
};

/**
 * child_process exports. Async routes all end in the Process handle's spawn (governed and locked there);
 * the sync ones are wrapped to surface the denial; a new export fails this list until it is classified.
 */
const CHILD_PROCESS_ROUTES: Record<string, 'wrapped' | 'via handle'> = {
  spawnSync: 'wrapped',
  execSync: 'wrapped',
  execFileSync: 'wrapped',
  spawn: 'via handle',
  exec: 'via handle',
  execFile: 'via handle',
  fork: 'via handle',
  ChildProcess: 'via handle',
  _forkChild: 'via handle',
};

const governed = (table: Record<string, ExportReport>) => Object.keys(table).filter((key) => !(key in FS_UNGOVERNED));

describe(`fs export coverage on Node ${probe.node}`, () => {
  it('finds the exports', () => {
    expect(Object.keys(probe.fs).length).toBeGreaterThan(90);
    expect(Object.keys(probe.promises).length).toBeGreaterThan(25);
  });

  it.each(governed(probe.fs))('fs.%s is governed by a locked wrapper of the same shape', (key) => {
    expect(probe.fs[key]).toEqual({ replaced: true, locked: true, sameName: true, sameLength: true });
  });

  it.each(governed(probe.promises))('fs.promises.%s is governed by a locked wrapper of the same shape', (key) => {
    expect(probe.promises[key]).toEqual({ replaced: true, locked: true, sameName: true, sameLength: true });
  });

  it('fs.realpathSync.native is governed too', () => {
    expect(probe.realpathNativeReplaced).toBe(true);
  });

  it('the ungoverned list holds only fd-based APIs, classes and helpers, none of them replaced', () => {
    for (const key of Object.keys(FS_UNGOVERNED)) {
      if (probe.fs[key] !== undefined) expect(probe.fs[key].replaced, key).toBe(false);
    }
    const fdBased = Object.keys(FS_UNGOVERNED).filter((key) => FS_UNGOVERNED[key] === 'fd');
    for (const key of fdBased) expect(key).toMatch(/^(f|close|read|write)/);
  });
});

describe(`child_process export coverage on Node ${probe.node}`, () => {
  it.each(Object.keys(probe.childProcess))('child_process.%s is a known route', (key) => {
    expect(CHILD_PROCESS_ROUTES[key], `unclassified child_process export ${key}`).toBeDefined();
    if (CHILD_PROCESS_ROUTES[key] === 'wrapped') expect(probe.childProcess[key]).toEqual({ replaced: true, locked: true, sameName: true, sameLength: true });
  });

  it('ChildProcess.prototype.spawn is locked', () => {
    expect(probe.childProcessPrototypeSpawnLocked).toBe(true);
  });
});
