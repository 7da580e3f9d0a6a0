import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkFiles } from '../../../src/analysis';
import { discoverFiles } from '../../../src/analysis/engine/discover';

const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

function scratch(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), 'discover-'));
  roots.push(root);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), content);
  }
  return root;
}

function git(root: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: root, stdio: 'pipe' });
}

const names = (root: string, paths: string[] = [], staged = false) =>
  discoverFiles(paths, { cwd: root, staged }).map((f) => f.absolute.slice(root.length + 1));

describe('file discovery', () => {
  it('outside git: walks folders, skipping node_modules, dist, .git and coverage', () => {
    const root = scratch({ 'src/a.js': '', 'node_modules/x/i.js': '', 'dist/b.js': '', 'coverage/c.js': '', 'lib/dist-info.js': '' });
    expect(names(root)).toEqual(['lib/dist-info.js', 'src/a.js']);
  });

  it('in git: honours .gitignore and lists untracked files that are not ignored', () => {
    const root = scratch({ '.gitignore': 'build/\n*.log\n', 'src/a.js': '', 'build/out.js': '', 'debug.log': '', 'new.js': '' });
    git(root, 'init', '-q');
    git(root, 'add', '.gitignore', 'src/a.js');
    expect(names(root)).toEqual(['.gitignore', 'new.js', 'src/a.js']);
  });

  it('leaves out what .governanceignore names (gitignore syntax, with negation)', () => {
    const root = scratch({
      '.governanceignore': '# samples\nfixtures/\ntest/**/fixtures/\n*.snap\n!keep.snap\n',
      'fixtures/bad.js': '', 'src/fixtures/bad.js': '', 'test/x/fixtures/bad.js': '', 'test/x/ok.js': '', 'a.snap': '', 'keep.snap': '',
    });
    expect(names(root)).toEqual(['.governanceignore', 'keep.snap', 'test/x/ok.js']);
  });

  it('checks a named file even inside an ignored folder, and rejects a missing path', () => {
    const root = scratch({ 'node_modules/pkg/index.js': 'Math.random();\n' });
    expect(names(root, ['node_modules/pkg'])).toEqual(['node_modules/pkg/index.js']);
    expect(() => names(root, ['nope.js'])).toThrow(/no such file or folder: .*nope\.js/);
  });

  it('--staged reads the staged content, not the work tree', () => {
    const root = scratch({ 'job.js': 'Math.random();\n', 'other.js': 'Math.random();\n' });
    git(root, 'init', '-q');
    git(root, 'add', 'job.js');
    writeFileSync(join(root, 'job.js'), 'const fixed = 1;\n');
    expect(names(root, [], true)).toEqual(['job.js']);
    const staged = checkFiles([], { cwd: root, staged: true, checks: ['synthetic_data'] });
    expect(staged.findings.map((f) => `${f.file}:${f.line}`)).toEqual(['job.js:1']);
    const workTree = checkFiles(['job.js'], { cwd: root, checks: ['synthetic_data'] });
    expect(workTree.findings).toEqual([]);
  });

  it('skips binary files and counts them', () => {
    const root = scratch({ 'a.js': 'const x = 1;\n', 'blob.bin': Buffer.from([0, 1, 2, 3, 0]), 'img.png': Buffer.from('not really') });
    const result = checkFiles([], { cwd: root, checks: ['synthetic_data', 'secret'] });
    expect(result.summary).toMatchObject({ filesScanned: 1, filesSkipped: 2 });
  });

  it('skips files over 8 MB (a key store among them still yields its finding)', () => {
    const big = 'Math.random();\n'.repeat(Math.ceil((8 * 1024 * 1024 + 1) / 15));
    const root = scratch({ 'big.js': big, 'keys.p12': big, 'small.js': 'Math.random();\n' });
    const result = checkFiles([], { cwd: root, checks: ['synthetic_data', 'secret'] });
    expect(result.summary).toMatchObject({ filesScanned: 1, filesSkipped: 2 });
    expect(result.findings.map((f) => `${f.file}:${f.category}`).sort()).toEqual(['keys.p12:secret', 'small.js:synthetic_data']);
  });

  it('reports files it cannot parse without failing the run', () => {
    const root = scratch({ 'broken.js': 'const = = ;\n' + 'Math.random();\n'.repeat(2), 'ok.js': 'Math.random();\n' });
    const result = checkFiles([], { cwd: root, checks: ['synthetic_data'] });
    expect(result.findings.map((f) => f.file)).toContain('ok.js');
    expect(result.summary.filesScanned).toBe(2);
    expect(result.summary.parseErrors).toEqual([{ file: 'broken.js', message: expect.stringContaining('Unexpected token') }]);
  });
});
