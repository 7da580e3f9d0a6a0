// code_eval hooks beyond refusal: a real npm package that generates code (zod 4 compiles object
// schemas with `new Function`) keeps working under an allow-all production policy, with its code
// generation recorded; development level records would_deny and never blocks; a direct eval runs with
// global-scope semantics under the governed eval (documented in docs/hooks-code-modules.md).
import { spawnSync } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, readAuditEntries, REPO_ROOT, removeProject } from '../helpers/governed-run';

const ZOD_APP = String.raw`
const z = require('zod');
const Row = z.object({ id: z.number().int(), label: z.string().min(1), score: z.number().min(0).max(1) });
const rows = [];
for (let i = 0; i < 50; i++) rows.push(Row.parse({ id: i, label: 'row' + i, score: i / 50 }));
const bad = Row.safeParse({ id: 1.5, label: '', score: 2 });
process.stdout.write(JSON.stringify({ parsed: rows.length, badIssues: bad.success ? 0 : bad.error.issues.length }) + '\n');
`;

const DEV_APP = String.raw`
const vm = require('node:vm');
const local = 'local';
const out = {
  indirect: (0, eval)('1 + 1'),
  fn: Function('return 3')(),
  vm: vm.runInNewContext('Function("return 4")()'),
  directSeesLocal: (() => { try { return eval('local'); } catch (e) { return e.name; } })(),
  directSeesGlobal: eval('typeof globalThis'),
};
process.stdout.write(JSON.stringify(out) + '\n');
`;

const ALL_KINDS = ['file_read', 'file_write', 'process_spawn', 'code_eval', 'module_load', 'worker_spawn', 'native_addon', 'net_connect', 'net_listen', 'function_call'];

describe.each(LAUNCH_MODES)('zod compiles its schemas under an allow-all production policy (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': ZOD_APP } });
  symlinkSync(join(REPO_ROOT, 'node_modules', 'zod'), join(dir, 'node_modules', 'zod'), 'dir');
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    policy: { level: 'production', default: 'deny', rules: [{ id: 'all', action: ALL_KINDS, target: '**', effect: 'allow' }] },
  });
  const entries = run.entries();
  afterAll(() => removeProject(dir));

  it('parses and validates as without governance', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout.trim())).toEqual({ parsed: 50, badIssues: 3 });
  });

  it("zod's generated code went through the governed Function and was recorded as allowed", () => {
    const generated = entries.filter((e) => e.action === 'code_eval' && e.target === 'function');
    expect(generated.length).toBeGreaterThan(0);
    expect(generated.every((e) => e.decision === 'allow' && e.ruleId === 'all')).toBe(true);
    expect(entries.some((e) => e.action === 'module_load' && e.target === 'zod' && e.decision === 'allow')).toBe(true);
  });
});

describe('development level records and never blocks', () => {
  const dir = createProject({ files: { 'app.cjs': DEV_APP } });
  const run = governedRun({
    dir,
    mode: 'require',
    entry: 'app.cjs',
    policy: { level: 'development', default: 'deny', rules: [{ id: 'read', action: ['file_read', 'module_load', 'file_write'], target: '**', effect: 'allow' }] },
  });
  const entries = run.entries();
  afterAll(() => removeProject(dir));

  it('every evaluation runs; a direct eval has global scope under the governed eval', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout.trim())).toEqual({ indirect: 2, fn: 3, vm: 4, directSeesLocal: 'ReferenceError', directSeesGlobal: 'object' });
  });

  it('each would have been denied and is recorded as would_deny', () => {
    for (const target of ['eval', 'function', 'vm']) {
      expect(entries.some((e) => e.action === 'code_eval' && e.target === target && e.decision === 'would_deny'), target).toBe(true);
    }
    expect(entries.some((e) => e.decision === 'deny')).toBe(false);
  });
});

describe('a program given on the command line is the entry point, not a runtime evaluation', () => {
  const dir = createProject();
  writeFileSync(join(dir, 'governance.config.json'), JSON.stringify({
    level: 'production', default: 'deny', stateDir: '.governance',
    rules: [{ id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' }],
  }));
  const program = "try { eval('1'); console.log('EVALUATED'); } catch (e) { console.log('inner ' + e.code); }";
  const env = { ...process.env, NODE_OPTIONS: '' };
  const viaEval = spawnSync(process.execPath, ['--require', '@mltrainer/governance', '-e', program], { cwd: dir, env, encoding: 'utf8' });
  const viaStdin = spawnSync(process.execPath, ['--import', '@mltrainer/governance', '-'], { cwd: dir, env, input: program, encoding: 'utf8' });
  afterAll(() => removeProject(dir));

  it.each([['-e', viaEval], ['stdin', viaStdin]])('%s runs, and an eval inside it is refused', (_, run) => {
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe('inner EGOVDENIED');
  });

  it('the refusals are in the audit log', () => {
    const refused = readAuditEntries(join(dir, '.governance')).filter((e) => e.action === 'code_eval' && e.target === 'eval' && e.decision === 'deny');
    expect(refused.length).toBe(2);
  });
});
