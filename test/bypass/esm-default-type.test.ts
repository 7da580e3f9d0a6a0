// `--experimental-default-type=module` (Node 20, 22) made governance's ES module hooks fail to register on Node 20:
// Node's hooks thread, which inherits the flag, loaded the CommonJS hooks file through the ES translator, whose
// require() it cannot serve ("The resolveSync() method is not implemented"). Governance printed a warning and ran on
// at production with every ES import undecided: a child the program started with the flag (in its arguments or its
// NODE_OPTIONS), or a process the operator started so, imported a read-denied JSON file and printed it (until
// 2026-11-23). The hooks file is now an ES module, and a registration that fails for another reason than the
// permission model refuses to start at staging and production (runtime_bypass, exit 78). Positive control: the
// same children import an allowed JSON file.
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, readOnlyPolicy, removeProject } from '../helpers/governed-run';

const HAS_FLAG = process.allowedNodeEnvironmentFlags.has('--experimental-default-type');
const SECRET = 'TOPSECRET-7f3a';

const APP = String.raw`
const cp = require('node:child_process');
for (const [label, args, env] of [
  ['argument', ['--experimental-default-type=module', 'child.mjs', 'secret/creds.json'], {}],
  ['NODE_OPTIONS', ['child.mjs', 'secret/creds.json'], { NODE_OPTIONS: (process.env.NODE_OPTIONS || '') + ' --experimental-default-type=module' }],
  ['allowed', ['--experimental-default-type=module', 'child.mjs', 'public/ok.json'], {}],
]) {
  const r = cp.spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, ...env } });
  process.stdout.write('CHILD ' + label + ' status=' + r.status + ' ' + r.stdout + '\n');
}
`;

const CHILD = String.raw`
const file = process.argv[2];
try {
  const m = await import('./' + file, { with: { type: 'json' } });
  process.stdout.write('IMPORTED ' + JSON.stringify(m.default));
} catch (e) { process.stdout.write('REFUSED ' + e.code); }
`;

describe.skipIf(!HAS_FLAG).each(LAUNCH_MODES)('ES imports under --experimental-default-type=module (%s)', (mode) => {
  const dir = createProject({
    files: { 'app.cjs': APP, 'child.mjs': CHILD, 'secret/creds.json': JSON.stringify({ token: SECRET }), 'public/ok.json': '{"ok":true}' },
  });
  const policy = readOnlyPolicy(dir, [
    { id: 'no-secret', action: 'file_read', target: [`${dir}/secret`, `${dir}/secret/**`], effect: 'deny' },
    { id: 'node', action: 'process_spawn', target: '**/node', effect: 'allow' },
  ]);
  const run = governedRun({ dir, mode, entry: 'app.cjs', policy });
  const direct = governedRun({ dir, mode, entry: 'child.mjs', args: ['secret/creds.json'], nodeFlags: ['--experimental-default-type=module'], policy });
  const entries = run.entries();
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(['argument', 'NODE_OPTIONS'])('a child given the flag as %s does not read the denied file, and the refusal is logged', (label) => {
    const line = run.stdout.split('\n').find((l) => l.startsWith(`CHILD ${label} `)) ?? '';
    expect(line, run.stdout).not.toContain(SECRET);
    expect(line).toMatch(/REFUSED EGOVDENIED|status=78/);
  });

  it('a process the operator started with the flag does not read it either', () => {
    expect(direct.stdout).not.toContain(SECRET);
    expect(direct.stdout + String(direct.status)).toMatch(/REFUSED EGOVDENIED|78/);
  });

  it('each refusal is in the log: the read, or the start without the hooks as runtime_bypass', () => {
    const refused = (e: { action: string; target: string; decision: string; violation?: string | null }) =>
      e.decision === 'deny' && ((e.action === 'file_read' && e.target === `${dir}/secret/creds.json`) || e.violation === 'runtime_bypass');
    expect(entries.filter(refused).length, JSON.stringify(entries.filter((e) => e.decision === 'deny'))).toBeGreaterThanOrEqual(2);
  });

  it('positive control: a child with the flag imports an allowed JSON file', () => {
    expect(run.stdout).toContain('CHILD allowed status=0 IMPORTED {"ok":true}');
  });
});
