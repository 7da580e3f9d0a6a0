// The check as a pre-commit gate, end to end: a real `git commit` in a scratch repository runs a real hook
// that calls the built CLI; the commit is refused while a violation is staged and accepted once it is fixed.
// No network here, so husky, lint-staged and pre-commit are not installed; their hook files are reproduced:
// - husky 9.1.7: `core.hooksPath=.husky/_`, the `_/pre-commit` stub and the `_/h` runner that husky writes
//   (copied from the husky 9.1.7 package, MIT), and a `.husky/pre-commit` holding the command, as husky's docs show;
// - lint-staged: `.husky/pre-commit` runs `npx lint-staged`, and a stand-in `lint-staged` binary does what
//   lint-staged does for one task: match staged files against the config glob and append their absolute paths;
// - pre-commit: a hook running our `.pre-commit-hooks.yaml` entry with the staged file names (pass_filenames).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const projectRoot = resolve(__dirname, '..', '..');
const cli = join(projectRoot, 'dist', 'src', 'cli', 'main.js');
const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

const HUSKY_H = `#!/usr/bin/env sh
[ "$HUSKY" = "2" ] && set -x
n=$(basename "$0")
s=$(dirname "$(dirname "$0")")/$n

[ ! -f "$s" ] && exit 0

if [ -f "$HOME/.huskyrc" ]; then
	echo "husky - '~/.huskyrc' is DEPRECATED, please move your code to ~/.config/husky/init.sh"
fi
i="\${XDG_CONFIG_HOME:-$HOME/.config}/husky/init.sh"
[ -f "$i" ] && . "$i"

[ "\${HUSKY-}" = "0" ] && exit 0

export PATH="node_modules/.bin:$PATH"
sh -e "$s" "$@"
c=$?

[ $c != 0 ] && echo "husky - $n script failed (code $c)"
[ $c = 127 ] && echo "husky - command not found in PATH=$PATH"
exit $c
`;

/** Stand-in for lint-staged: staged files matching a `*.{a,b}` key, as absolute paths, appended to the task. */
const LINT_STAGED = `#!/usr/bin/env node
const { execFileSync, spawnSync } = require('node:child_process');
const { resolve } = require('node:path');
const config = require(resolve('package.json'))['lint-staged'];
const staged = execFileSync('git', ['diff', '--cached', '--name-only', '-z', '--diff-filter=ACMR'], { encoding: 'utf8' }).split('\\0').filter(Boolean);
let failed = false;
for (const [glob, task] of Object.entries(config)) {
  const extensions = glob.replace(/^\\*\\.\\{?|\\}$/g, '').split(',');
  const files = staged.filter((f) => extensions.some((e) => f.endsWith('.' + e))).map((f) => resolve(f));
  if (files.length === 0) continue;
  const [command, ...args] = task.split(' ');
  const run = spawnSync(command, [...args, ...files], { stdio: 'inherit' });
  if (run.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
`;

const VIOLATION = "import { faker } from '@faker-js/faker';\nexport const rows = [faker.person.fullName()];\n";
const FIXED = "import { readFileSync } from 'node:fs';\nexport const rows = readFileSync('rows.csv', 'utf8').split('\\n');\n";

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' });
}

function commit(cwd: string, message: string): { ok: boolean; output: string } {
  const run = spawnSync('git', ['commit', '-m', message], { cwd, encoding: 'utf8', env: { ...process.env, HUSKY: undefined } });
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
}

function commitCount(cwd: string): number {
  const run = spawnSync('git', ['rev-list', '--count', 'HEAD'], { cwd, encoding: 'utf8' });
  return run.status === 0 ? Number(run.stdout.trim()) : 0;
}

function scratchRepo(): string {
  const root = mkdtempSync(join(tmpdir(), 'precommit-'));
  roots.push(root);
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'config', 'user.name', 'Test');
  git(root, 'config', 'user.email', 'test@example.com');
  git(root, 'config', 'commit.gpgsign', 'false');
  return root;
}

function write(root: string, name: string, text: string, mode?: number): void {
  mkdirSync(dirname(join(root, name)), { recursive: true });
  writeFileSync(join(root, name), text);
  if (mode !== undefined) chmodSync(join(root, name), mode);
}

/** What `husky` (9.1.7) writes when a project runs it, plus the project's own `.husky/pre-commit`. */
function installHusky(root: string, preCommit: string): void {
  git(root, 'config', 'core.hooksPath', '.husky/_');
  write(root, '.husky/_/.gitignore', '*');
  write(root, '.husky/_/h', HUSKY_H, 0o755);
  write(root, '.husky/_/pre-commit', '#!/usr/bin/env sh\n. "$(dirname "$0")/h"', 0o755);
  write(root, '.husky/pre-commit', preCommit);
}

function expectGate(root: string, file: string): void {
  write(root, file, VIOLATION);
  git(root, 'add', '--', file);
  const refused = commit(root, 'add fake rows');
  expect(refused.ok).toBe(false);
  expect(refused.output, refused.output).toContain('synthetic_data/random-package');
  expect(commitCount(root)).toBe(0);

  write(root, file, FIXED);
  git(root, 'add', '--', file);
  const accepted = commit(root, 'read real rows');
  expect(accepted.output).not.toContain('synthetic_data');
  expect(accepted.ok).toBe(true);
  expect(commitCount(root)).toBe(1);
}

describe('pre-commit integration', () => {
  beforeAll(() => {
    if (!existsSync(cli)) throw new Error(`build first (npm run build): ${cli} is missing`);
  });

  it('husky: .husky/pre-commit running `check --staged` refuses a staged violation and accepts the fix', () => {
    const root = scratchRepo();
    installHusky(root, `node ${JSON.stringify(cli)} check --staged --rules synthetic_data,secret\n`);
    expectGate(root, 'src/rows.js');
  });

  it('husky: --staged checks what is staged, not the work tree', () => {
    const root = scratchRepo();
    installHusky(root, `node ${JSON.stringify(cli)} check --staged --rules synthetic_data\n`);
    write(root, 'src/rows.js', VIOLATION);
    git(root, 'add', '--', 'src/rows.js');
    write(root, 'src/rows.js', FIXED);
    expect(commit(root, 'fixed only in the work tree').ok).toBe(false);
    write(root, 'src/clean.js', VIOLATION);
    write(root, 'src/rows.js', FIXED);
    git(root, 'add', '--', 'src/rows.js');
    expect(commit(root, 'fixed in the index; the unstaged file is not committed').ok).toBe(true);
  });

  it('lint-staged: `npx lint-staged` passes the staged file names to `check`', () => {
    const root = scratchRepo();
    installHusky(root, 'npx lint-staged\n');
    write(root, 'package.json', JSON.stringify({ name: 'scratch', private: true, 'lint-staged': { '*.{js,ts}': `node ${cli} check --rules synthetic_data` } }));
    write(root, 'node_modules/.bin/lint-staged', LINT_STAGED, 0o755);
    write(root, '.gitignore', 'node_modules/\n');
    expectGate(root, 'src/rows.ts');
  });

  it('pre-commit: our .pre-commit-hooks.yaml entry with pass_filenames', () => {
    const hooks = readFileSync(join(projectRoot, '.pre-commit-hooks.yaml'), 'utf8');
    const entry = /^\s*entry:\s*(.+)$/m.exec(hooks)?.[1]?.trim();
    expect(entry).toBe('mltrainer-governance check');
    expect(hooks).toMatch(/^\s*pass_filenames:\s*true$/m);
    expect(hooks).toMatch(/^\s*language:\s*node$/m);
    const root = scratchRepo();
    // pre-commit installs the hook repository as a node package, so its bin is on PATH; then it runs the entry.
    write(root, '.bin/mltrainer-governance', `#!/bin/sh\nexec node ${JSON.stringify(cli)} "$@"\n`, 0o755);
    write(root, '.gitignore', '.bin/\n');
    write(
      root,
      '.git/hooks/pre-commit',
      `#!/bin/sh\nPATH="$(pwd)/.bin:$PATH"\ngit diff --cached --name-only -z --diff-filter=ACMR | xargs -0 sh -c '[ $# -eq 0 ] || exec ${entry} --rules synthetic_data,secret "$@"' sh\n`,
      0o755,
    );
    expectGate(root, 'pipelines/rows.js');
  });
});
