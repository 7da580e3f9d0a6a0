// Node 26's v8.setHeapProfileNearHeapLimit under a production policy, in the three launch modes. Near the heap limit
// Node writes the running sampling heap profile (v8.startHeapProfile) as Heap.<stamp>.<pid>.<tid>.<seq>.heapprofile
// into the current directory, from C++: until 2026-11-23 a program wrote one where the rules let it write nothing.
// Arming is decided like setHeapSnapshotNearHeapLimit (file_write of <cwd>/Heap.near-heap-limit.heapprofile), and
// so is a later process.chdir. The app arms in the project directory (refused), arms in out/ (allowed: the positive
// control), tries to chdir back (refused), then runs out of memory: the profile must land in out/ and nowhere else.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import v8 from 'node:v8';
import { afterAll, expect, it } from 'vitest';
import { createProject, describeEachModeIf, governedRun, removeProject } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const HAS_API = typeof (v8 as unknown as { setHeapProfileNearHeapLimit?: unknown }).setHeapProfileNearHeapLimit === 'function';

const APP = String.raw`
const v8 = require('node:v8');
const results = {};
const attempt = (label, fn) => { try { fn(); results[label] = { outcome: 'done' }; } catch (e) { results[label] = { outcome: 'thrown', code: e && e.code }; } };
v8.startHeapProfile();
attempt('arm in the project directory', () => v8.setHeapProfileNearHeapLimit(1));
process.chdir('out');
attempt('arm in out/ (control)', () => v8.setHeapProfileNearHeapLimit(1));
attempt('chdir back once armed', () => process.chdir('..'));
process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
const keep = [];
for (;;) keep.push(new Array(100000).fill({ n: Math.random() }));
`;

const POLICY = {
  level: 'production',
  default: 'deny',
  rules: [
    { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
    { id: 'out', action: 'file_write', target: '**/out/**', effect: 'allow' },
  ],
};

const profiles = (dir: string): string[] => readdirSync(dir).filter((name) => name.endsWith('.heapprofile'));

describeEachModeIf(HAS_API, 'v8.setHeapProfileNearHeapLimit, production policy (%s)', (mode) => {
  const dir = createProject({ policy: POLICY, files: { 'app.js': APP, 'out/.keep': '' } });
  afterAll(() => removeProject(dir));
  const run = governedRun({ dir, entry: 'app.js', mode, nodeFlags: ['--max-old-space-size=40'], timeoutMs: 60_000 });
  const results = (): Record<string, { outcome: string; code?: string }> => routeResults(run);

  it('arming where the program may not write, and moving away once armed, are refused', () => {
    expect(results()['arm in the project directory']).toEqual({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(results()['chdir back once armed']).toEqual({ outcome: 'thrown', code: 'EGOVDENIED' });
  });

  it('no heap profile is written in the project directory', () => {
    expect(profiles(dir)).toEqual([]);
  });

  it('positive control: armed in out/, the profile is written there', () => {
    expect(results()['arm in out/ (control)']).toEqual({ outcome: 'done' });
    expect(profiles(join(dir, 'out')).length).toBeGreaterThanOrEqual(1);
  });

  it('records both refusals as file_write of the near-limit profile', () => {
    const denials = run.entries().filter((e) => e.action === 'file_write' && e.target.endsWith('/Heap.near-heap-limit.heapprofile') && e.decision === 'deny');
    expect(denials.map((e) => e.target).sort()).toEqual([join(dir, 'Heap.near-heap-limit.heapprofile'), join(dir, 'Heap.near-heap-limit.heapprofile')]);
  });
});
