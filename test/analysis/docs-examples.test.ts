// Runs the examples in docs/checks (the pages this test's owner writes) against the real checker:
// - ```js|ts example="path" expect="rule,…" [require="glob"]: the code, checked as `path`, gives exactly those findings;
// - ```json example-config: the config is accepted by `check`;
// - ```sh example-cli: each command runs (exit 0 or 1, never a usage error) through the built CLI;
// - ```js example-api: the script runs with `@mltrainer/governance/analysis` installed;
// - ```sh husky-pre-commit and ```json lint-staged-config: the hook command refuses a staged violation.
// The built CLI is used (`npm run build` first).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkFiles } from '../../src/analysis';
import type { CheckName } from '../../src/analysis/types';

const projectRoot = resolve(__dirname, '..', '..');
const cli = join(projectRoot, 'dist', 'src', 'cli', 'main.js');
const PAGES: Record<string, CheckName | null> = { 'README.md': null, 'synthetic-data.md': 'synthetic_data', 'missing-governance-import.md': 'missing_governance_import' };

interface Block {
  page: string;
  info: string;
  code: string;
  attributes: Record<string, string>;
}

function blocksOf(page: string): Block[] {
  const text = readFileSync(join(projectRoot, 'docs', 'checks', page), 'utf8');
  const blocks: Block[] = [];
  for (const match of text.matchAll(/^```([^\n]*)\n([\s\S]*?)^```$/gm)) {
    const info = match[1]!.trim();
    const attributes = Object.fromEntries([...info.matchAll(/([\w-]+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    blocks.push({ page, info, code: match[2]!, attributes });
  }
  return blocks;
}

const blocks = Object.keys(PAGES).flatMap(blocksOf);
const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

function scratch(files: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'docs-example-'));
  roots.push(root);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), content);
  }
  // What `npm install @mltrainer/governance` provides: the package and its bin.
  mkdirSync(join(root, 'node_modules', '@mltrainer'), { recursive: true });
  symlinkSync(projectRoot, join(root, 'node_modules', '@mltrainer', 'governance'), 'dir');
  mkdirSync(join(root, 'node_modules', '.bin'));
  writeFileSync(join(root, 'node_modules', '.bin', 'mltrainer-governance'), `#!/bin/sh\nexec node ${JSON.stringify(cli)} "$@"\n`);
  chmodSync(join(root, 'node_modules', '.bin', 'mltrainer-governance'), 0o755);
  return root;
}

function sh(cwd: string, command: string) {
  return spawnSync('sh', ['-c', command], { cwd, encoding: 'utf8', env: { ...process.env, PATH: `${join(cwd, 'node_modules', '.bin')}:${process.env.PATH}` } });
}

const SAMPLE = { 'src/job.js': 'export const x = Math.random();\n', 'pipelines/etl.ts': "import '@mltrainer/governance';\n" };

describe('docs/checks examples', () => {
  it('found the examples', () => {
    const kinds = blocks.map((b) => b.info.split(/\s+/)[1] ?? '');
    expect(kinds.filter((k) => k.startsWith('example=')).length).toBeGreaterThanOrEqual(7);
    for (const kind of ['example-config', 'example-cli', 'example-api', 'husky-pre-commit', 'lint-staged-config']) expect(kinds).toContain(kind);
  });

  for (const block of blocks.filter((b) => b.attributes.example !== undefined)) {
    it(`${block.page}: ${block.attributes.example} → [${block.attributes.expect}]`, () => {
      const root = scratch({ [block.attributes.example!]: block.code });
      const check = PAGES[block.page]!;
      const requireImport = block.attributes.require ? [{ glob: block.attributes.require, module: '@mltrainer/governance' }] : [];
      const result = checkFiles([block.attributes.example!], { cwd: root, checks: [check], settings: { requireImport } });
      const expected = block.attributes.expect ? block.attributes.expect.split(',') : [];
      expect(result.findings.map((f) => f.rule)).toEqual(expected);
    });
  }

  for (const block of blocks.filter((b) => b.info.includes('example-config'))) {
    it(`${block.page}: the config example is accepted`, () => {
      const root = scratch({ ...SAMPLE, 'governance.config.json': block.code });
      const run = sh(root, 'mltrainer-governance check');
      expect([0, 1], run.stderr).toContain(run.status);
    });
  }

  for (const block of blocks.filter((b) => b.info.includes('example-cli'))) {
    it(`${block.page}: the commands run`, () => {
      const root = scratch(SAMPLE);
      execFileSync('git', ['init', '-q'], { cwd: root });
      writeFileSync(join(root, '.gitignore'), 'node_modules/\n');
      execFileSync('git', ['add', '.'], { cwd: root });
      for (const line of block.code.split('\n').map((l) => l.replace(/#.*$/, '').trim()).filter(Boolean)) {
        const run = sh(root, line);
        expect([0, 1], `${line}\n${run.stderr}`).toContain(run.status);
      }
    });
  }

  it('README: the API example runs', () => {
    const block = blocks.find((b) => b.info.includes('example-api'))!;
    const root = scratch({ ...SAMPLE, 'check-src.mjs': block.code });
    const run = spawnSync(process.execPath, ['check-src.mjs'], { cwd: root, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toContain('src/job.js:1:18  error  Math.random() generates synthetic data');
    expect(run.stdout).toContain('src/job.js:1:18 synthetic_data/math-random');
  });

  it('README: the husky hook and the lint-staged task refuse a staged violation', () => {
    const hook = blocks.find((b) => b.info.includes('husky-pre-commit'))!.code.trim();
    const lintStaged = JSON.parse(blocks.find((b) => b.info.includes('lint-staged-config'))!.code)['lint-staged'];
    const task = Object.values(lintStaged)[0] as string;
    const root = scratch(SAMPLE);
    execFileSync('git', ['init', '-q'], { cwd: root });
    execFileSync('git', ['add', 'src/job.js'], { cwd: root });
    expect(sh(root, hook).status).toBe(1);
    expect(sh(root, `${task} ${join(root, 'src/job.js')}`).status).toBe(1);
    writeFileSync(join(root, 'src/job.js'), 'export const x = 4;\n');
    execFileSync('git', ['add', 'src/job.js'], { cwd: root });
    expect(sh(root, hook).status).toBe(0);
    expect(sh(root, `${task} ${join(root, 'src/job.js')}`).status).toBe(0);
  });
});
