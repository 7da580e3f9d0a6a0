// The actor a governed child or worker records its entries under. `MLTRAINER_ACTOR` names who a process acts for,
// and a child read it from the environment the program gave it: `spawn(node, [...], { env: { MLTRAINER_ACTOR:
// 'alice' } })`, `process.env.MLTRAINER_ACTOR = 'alice'` before a fork, or a worker's `env` (also SHARE_ENV) made the
// child's entries, its denials included, name alice while the operator started the process as someone else (every
// line, until 2026-11-23): a false actor in the log, and a way around consequences counted per actor. Under a
// production policy, in the three launch modes, each denial must be in the log under the operator's actor, which is
// also the positive control (the actor the operator gave the process reaches its children).
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject, writeOnlyInOkPolicy } from '../helpers/governed-run';

const APP = String.raw`
const cp = require('node:child_process'), path = require('node:path');
const { Worker, SHARE_ENV } = require('node:worker_threads');
const node = process.execPath;
const waitFor = (worker) => new Promise((resolve) => worker.on('exit', resolve));
(async () => {
  cp.spawnSync(node, ['child.cjs', 'spawn-env'], { env: { ...process.env, MLTRAINER_ACTOR: 'alice' } });
  await waitFor(new Worker('./child.cjs', { argv: ['worker-env'], env: { ...process.env, MLTRAINER_ACTOR: 'alice' } }));
  process.env.MLTRAINER_ACTOR = 'alice';
  await new Promise((resolve) => cp.fork('child.cjs', ['fork-process-env']).on('exit', resolve));
  await waitFor(new Worker('./child.cjs', { argv: ['worker-share-env'], env: SHARE_ENV }));
  console.log('RESULTS {}');
})();
`;

const CHILD = String.raw`
try { require('node:fs').writeFileSync(require('node:path').join(process.cwd(), 'denied', process.argv[2]), 'x'); } catch {}
`;

const LABELS = ['spawn-env', 'worker-env', 'fork-process-env', 'worker-share-env'];

describe.each(LAUNCH_MODES)('the actor of governed children and workers, production policy (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'child.cjs': CHILD, 'denied/.keep': '' } });
  afterAll(() => removeProject(dir));
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    env: { MLTRAINER_ACTOR: 'operator' },
    policy: writeOnlyInOkPolicy(dir, { rules: [
      { id: 'node', action: 'process_spawn', target: '**/node', effect: 'allow' },
      { id: 'workers', action: 'worker_spawn', target: '**/child.cjs', effect: 'allow' },
    ] }),
  });
  const entries = run.entries();

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('RESULTS');
  });

  it.each(LABELS)('%s: the denial is in the log under the operator\'s actor', (label) => {
    const denial = entries.find((e) => e.action === 'file_write' && e.target === join(dir, 'denied', label) && e.decision === 'deny');
    expect(denial, label).toBeDefined();
    expect(denial!.actor).toBe('operator');
  });

  it('no entry names the actor the program chose', () => {
    expect(entries.filter((e) => e.actor === 'alice')).toEqual([]);
  });
});
