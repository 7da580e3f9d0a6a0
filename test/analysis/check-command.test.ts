// The `check` command, run in-process the way src/cli/main.ts runs it (real files, real git, real config).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import check from '../../src/cli/commands/check';
import { UsageError } from '../../src/cli/command';

const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

function scratch(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'check-cmd-'));
  roots.push(root);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), content);
  }
  return root;
}

async function run(cwd: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const { values, positionals } = parseArgs({
    args,
    options: { ...check.options, json: { type: 'boolean' }, config: { type: 'string' } },
    allowPositionals: true,
  });
  const out: string[] = [];
  const err: string[] = [];
  try {
    const code = await check.run({ values, positionals, cwd, out: (s) => out.push(s), err: (s) => err.push(s) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  } catch (error) {
    if (error instanceof UsageError) return { code: 2, out: out.join('\n'), err: error.message };
    throw error;
  }
}

const clean = { 'src/ok.js': 'export const add = (a, b) => a + b;\n' };
const dirty = { ...clean, 'src/train.js': "import * as tf from '@tensorflow/tfjs';\nexport const w = tf.randomNormal([3]);\n" };

describe('mltrainer-governance check', () => {
  it('exits 0 with no findings and 1 with findings', async () => {
    expect((await run(scratch(clean), '--rules', 'synthetic_data')).code).toBe(0);
    const result = await run(scratch(dirty), '--rules', 'synthetic_data');
    expect(result.code).toBe(1);
    expect(result.out).toContain('src/train.js:2:18  error  @tensorflow/tfjs.randomNormal() generates random numbers');
  });

  it('--json and --format json print one JSON document', async () => {
    for (const flag of [['--json'], ['--format', 'json']]) {
      const { out } = await run(scratch(dirty), '--rules', 'synthetic_data', ...flag);
      const doc = JSON.parse(out);
      expect(doc.findings).toEqual([expect.objectContaining({ rule: 'synthetic_data/numeric-random', file: 'src/train.js', line: 2 })]);
      expect(doc.summary.filesScanned).toBe(2);
    }
  });

  it('--format sarif prints a SARIF log', async () => {
    const { out, code } = await run(scratch(dirty), '--rules', 'synthetic_data', '--format', 'sarif');
    expect(code).toBe(1);
    expect(JSON.parse(out)).toMatchObject({ version: '2.1.0', runs: [{ results: [{ ruleId: 'synthetic_data/numeric-random' }] }] });
  });

  it('exits 2 on usage mistakes, naming the problem', async () => {
    const root = scratch(clean);
    expect(await run(root, '--rules', 'synthetic_data,nonsense')).toMatchObject({ code: 2, err: expect.stringContaining('unknown check "nonsense"') });
    expect(await run(root, '--format', 'xml')).toMatchObject({ code: 2, err: expect.stringContaining('--format must be one of text, json, sarif') });
    expect(await run(root, 'missing-folder')).toMatchObject({ code: 2, err: expect.stringContaining('no such file or folder') });
    expect(await run(root, '--staged')).toMatchObject({ code: 2, err: expect.stringContaining('needs a git repository') });
    expect(await run(root, '--rules', 'missing_governance_import')).toMatchObject({ code: 2, err: expect.stringContaining('needs at least one glob') });
    expect(await run(root, '--jobs', '0')).toMatchObject({ code: 2, err: expect.stringContaining('--jobs must be a whole number of at least 1, got "0"') });
  });

  it('exits 2 on a bad config, naming the file', async () => {
    const root = scratch({ ...clean, 'governance.config.json': '{"analysis": {"exempt": 5}}' });
    const { code, err } = await run(root, '--rules', 'synthetic_data');
    expect(code).toBe(2);
    expect(err).toContain('governance.config.json');
  });

  it('reads analysis.requireGovernanceImport and analysis.exempt from the config; --require-import adds globs', async () => {
    const root = scratch({
      'governance.config.json': JSON.stringify({ analysis: { requireGovernanceImport: ['pipelines/**'], exempt: ['scripts/**'] } }),
      'pipelines/etl.js': 'run();\n',
      'jobs/nightly.js': 'run();\n',
      'scripts/seed.js': 'Math.random();\n',
    });
    const first = JSON.parse((await run(root, '--rules', 'synthetic_data,missing_governance_import', '--json')).out);
    expect(first.findings.map((f: { file: string; rule: string }) => `${f.rule} ${f.file}`)).toEqual(['missing_governance_import/required-import pipelines/etl.js']);
    const second = JSON.parse((await run(join(root, 'jobs'), '--rules', 'missing_governance_import', '--require-import', '*.js', '--json', '..')).out);
    expect(second.findings.map((f: { file: string }) => f.file)).toEqual(['nightly.js', '../pipelines/etl.js'].sort());
  });

  it('--write-baseline then --baseline hides the recorded findings only', async () => {
    const root = scratch(dirty);
    expect((await run(root, '--rules', 'synthetic_data', '--write-baseline', 'governance-baseline.json')).code).toBe(0);
    expect(JSON.parse(readFileSync(join(root, 'governance-baseline.json'), 'utf8')).entries).toHaveLength(1);
    expect((await run(root, '--rules', 'synthetic_data', '--baseline', 'governance-baseline.json')).code).toBe(0);
    writeFileSync(join(root, 'src/more.js'), 'export const r = Math.random();\n');
    const after = await run(root, '--rules', 'synthetic_data', '--baseline', 'governance-baseline.json', '--json');
    expect(after.code).toBe(1);
    expect(JSON.parse(after.out).findings.map((f: { file: string }) => f.file)).toEqual(['src/more.js']);
  });

  it('runs only the secret check on a minified file, says so, and --check-generated runs every check', async () => {
    const root = scratch({ 'dist/app.min.js': `${'var a=1;'.repeat(2048)}\nMath.random();\n` });
    const plain = await run(root, 'dist', '--rules', 'synthetic_data,secret');
    expect(plain.code).toBe(0);
    expect(plain.out).toContain('1 file looked generated or minified, so only the secret check ran on them (--check-generated runs every check): dist/app.min.js');
    const full = await run(root, 'dist', '--rules', 'synthetic_data', '--check-generated', '--jobs', '1', '--json');
    expect(full.code).toBe(1);
    expect(JSON.parse(full.out).summary.secretsOnly).toEqual([]);
  });

  it('with no paths checks the repository, honouring .gitignore', async () => {
    const root = scratch({ ...dirty, '.gitignore': 'src/train.js\n' });
    execFileSync('git', ['init', '-q'], { cwd: root });
    expect((await run(root, '--rules', 'synthetic_data')).code).toBe(0);
  });
});
