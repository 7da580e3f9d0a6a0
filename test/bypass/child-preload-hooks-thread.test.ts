// A `--require` preload the program gives a node child. Node 20 runs `--require` preloads in its module-hooks thread
// too (which governance's module.register starts, and which governance does not govern: it only relays ES load
// decisions), so `node -r ./evil.cjs child.cjs` ran evil.cjs twice: governed in the main thread, ungoverned in the
// hooks thread, where it wrote into a write-denied directory (until 2026-11-23). Governance's own preload, first in
// every governed child, now keeps the later ones from running there. Positive control: the preload still runs, governed,
// in the main thread, and its allowed write is logged.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, writeOnlyInOkPolicy, removeProject } from '../helpers/governed-run';

const APP = String.raw`
const cp = require('node:child_process');
const a = cp.spawnSync(process.execPath, ['-r', './evil.cjs', 'child.cjs', 'argument'], { encoding: 'utf8' });
const b = cp.spawnSync(process.execPath, ['child.cjs', 'NODE_OPTIONS'], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: (process.env.NODE_OPTIONS || '') + ' --require ./evil.cjs' } });
process.stdout.write('STATUS ' + a.status + ' ' + b.status + '\n' + a.stderr + b.stderr);
`;

const EVIL = String.raw`
const fs = require('node:fs'), path = require('node:path'), { threadId } = require('node:worker_threads');
const how = process.argv[2];
try { fs.writeFileSync(path.join(process.cwd(), 'denied', how + '-thread-' + threadId), 'x'); } catch (e) { process.stderr.write('PRELOAD ' + e.code + '\n'); }
fs.writeFileSync(path.join(process.cwd(), 'ok', how + '-thread-' + threadId), 'x');
`;

describe.each(LAUNCH_MODES)('a --require preload of a node child, production policy (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'evil.cjs': EVIL, 'child.cjs': '', 'ok/.keep': '', 'denied/.keep': '' } });
  afterAll(() => removeProject(dir));
  const run = governedRun({ dir, mode, entry: 'app.cjs', policy: writeOnlyInOkPolicy(dir, { rules: [{ id: 'node', action: 'process_spawn', target: '**/node', effect: 'allow' }] }) });
  const entries = run.entries();

  it('both children ran', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('STATUS 0 0');
  });

  it('the preload wrote nothing into the denied directory, from any thread', () => {
    expect(readdirSync(join(dir, 'denied'))).toEqual(['.keep']);
  });

  it.each(['argument', 'NODE_OPTIONS'])('given as %s, its write was refused and logged in the main thread, and it ran in no other thread', (how) => {
    expect(entries.some((e) => e.action === 'file_write' && e.target === join(dir, 'denied', `${how}-thread-0`) && e.decision === 'deny')).toBe(true);
    expect(readdirSync(join(dir, 'ok'))).toContain(`${how}-thread-0`);
    // argv differs in the hooks thread: whatever name it wrote under, no thread but the main one wrote at all.
    expect(readdirSync(join(dir, 'ok')).filter((name) => name !== '.keep' && !name.endsWith('-thread-0'))).toEqual([]);
  });

  it('positive control: the preload ran in the main thread and its allowed write is logged', () => {
    expect(entries.some((e) => e.action === 'file_write' && e.target === join(dir, 'ok', 'argument-thread-0') && e.decision === 'allow')).toBe(true);
  });
});
