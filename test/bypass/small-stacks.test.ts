// A governed thread with too small a stack keeps no audit log. A commit first checks that about 100 KB of stack is
// left (src/audit/stack-headroom.ts) and otherwise waits for the next one; in a child given `--stack-size=100` (KB), or
// a worker given `resourceLimits: { stackSizeMb: 0.3 }`, no commit ever had room, not even at exit: the thread ran,
// its allowed actions went through and its denials were refused, and none of it reached the log (every line, until
// 2026-11-23). Under a production policy, in the three launch modes: such a child or worker is refused before it
// starts and the refusal is in the parent's log; one whose flag the spawn cannot see (a shell variable) refuses to
// start itself; a getter on `stackSizeMb` cannot answer the check one value and Node another. Positive controls: a
// child with a larger stack and a worker with 2 MB run, and what they do is in the log.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject, writeOnlyInOkPolicy } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const cp = require('node:child_process');
const { Worker } = require('node:worker_threads');
const node = process.execPath;
const results = {};
function child(label, args, options) {
  const r = cp.spawnSync(node, [...args, 'child.cjs', label], { encoding: 'utf8', ...options });
  if (r.error) throw r.error;
  return { outcome: 'ran', status: r.status };
}
function worker(label, resourceLimits) {
  return new Promise((resolve) => {
    const w = new Worker('./child.cjs', { argv: [label], resourceLimits });
    w.on('error', (e) => resolve({ outcome: 'error', code: e.code, message: String(e.message) }));
    w.on('exit', (status) => resolve({ outcome: 'ran', status }));
  });
}
async function attempt(label, fn) {
  try { results[label] = await fn(label); }
  catch (e) { results[label] = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
}
(async () => {
  await attempt('child --stack-size', (label) => child(label, ['--stack-size=100']));
  await attempt('child -stack_size', (label) => child(label, ['-stack_size=100']));
  await attempt('child stack size in a shell variable', (label) => cp.execSync('S=stack-size; ' + JSON.stringify(node) + ' --$S=100 child.cjs ' + JSON.stringify(label), { stdio: 'pipe' }));
  await attempt('worker stackSizeMb', (label) => worker(label, { stackSizeMb: 0.3 }));
  let reads = 0;
  await attempt('worker stackSizeMb getter', (label) => worker(label, { get stackSizeMb() { return reads++ === 0 ? 2 : 0.3; } }));
  await attempt('child control', (label) => child(label, ['--stack-size=2000']));
  await attempt('worker control', (label) => worker(label, { stackSizeMb: 2 }));
  console.log('RESULTS ' + JSON.stringify(results));
})();
`;

// Marks that it ran (ok/ is writable) and tries a write the rules deny, which must then be in the log.
const CHILD = String.raw`
const fs = require('node:fs'), path = require('node:path');
const label = process.argv[2].replace(/[^a-zA-Z0-9]+/g, '-');
fs.writeFileSync(path.join(process.cwd(), 'ok', 'ran-' + label), 'ran');
try { fs.writeFileSync(path.join(process.cwd(), 'denied', label), 'x'); } catch {}
`;

const SPAWN_REFUSED = ['child --stack-size', 'child -stack_size'];

const marker = (dir: string, label: string): string => join(dir, 'ok', `ran-${label.replace(/[^a-zA-Z0-9]+/g, '-')}`);

describe.each(LAUNCH_MODES)('threads with too small a stack for the audit log, production policy (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'child.cjs': CHILD, 'ok/.keep': '', 'denied/.keep': '' } });
  afterAll(() => removeProject(dir));
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    timeoutMs: 60_000,
    policy: writeOnlyInOkPolicy(dir, { rules: [
      { id: 'node', action: 'process_spawn', target: ['**/node', '/bin/sh', '/usr/bin/sh', '/bin/dash', '/usr/bin/dash', '/bin/bash', '/usr/bin/bash'], effect: 'allow' },
      { id: 'workers', action: 'worker_spawn', target: '**/child.cjs', effect: 'allow' },
    ] }),
  });
  const results = (): Record<string, { outcome: string; code?: string; message?: string; status?: number }> => routeResults(run);
  const entries = run.entries();

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(SPAWN_REFUSED)('%s is refused at the spawn as code_eval:node-flag:--stack-size, recorded', (label) => {
    expect(results()[label], label).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(results()[label].message).toContain('code_eval:node-flag:--stack-size');
    expect(existsSync(marker(dir, label))).toBe(false);
    expect(entries.some((e) => e.action === 'code_eval' && e.target === 'node-flag:--stack-size' && e.decision === 'deny')).toBe(true);
  });

  it('a child whose small stack the spawn cannot see refuses to start itself', () => {
    expect(results()['child stack size in a shell variable'].outcome).toBe('thrown');
    expect(existsSync(marker(dir, 'child stack size in a shell variable'))).toBe(false);
  });

  it('a worker with too small a stack is refused before it starts, recorded as runtime_bypass', () => {
    expect(results()['worker stackSizeMb']).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(existsSync(marker(dir, 'worker stackSizeMb'))).toBe(false);
    expect(entries.some((e) => e.action === 'worker_spawn' && e.decision === 'deny' && e.violation === 'runtime_bypass')).toBe(true);
  });

  it('stackSizeMb is read once: the worker gets the stack that was decided, and its denial is in the log', () => {
    expect(results()['worker stackSizeMb getter']).toEqual({ outcome: 'ran', status: 0 });
    expect(entries.some((e) => e.action === 'file_write' && e.target === join(dir, 'denied', 'worker-stackSizeMb-getter') && e.decision === 'deny')).toBe(true);
  });

  it.each(['child control', 'worker control'])('positive control: %s runs, and its denied write is in the log', (label) => {
    expect(results()[label]).toEqual({ outcome: 'ran', status: 0 });
    expect(existsSync(marker(dir, label))).toBe(true);
    const name = label.replace(/[^a-zA-Z0-9]+/g, '-');
    expect(entries.some((e) => e.action === 'file_write' && e.target === join(dir, 'denied', name) && e.decision === 'deny')).toBe(true);
  });
});
