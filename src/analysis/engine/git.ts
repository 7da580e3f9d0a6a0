// The git commands the checker needs: repository root, tracked and untracked-not-ignored files, the index.
import { execFileSync } from 'node:child_process';

function git(args: readonly string[], cwd: string): Buffer {
  return execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1024 * 1024 * 1024 });
}

function nulSeparated(output: Buffer): string[] {
  return output.toString('utf8').split('\0').filter((name) => name !== '');
}

/** The work tree root containing `dir`, or null when `dir` is not in a git work tree (or git is missing). */
export function repositoryRoot(dir: string): string | null {
  try {
    return git(['rev-parse', '--show-toplevel'], dir).toString('utf8').trim() || null;
  } catch {
    return null;
  }
}

/** Files under `dir` that git tracks or would track (untracked, not ignored), relative to `root`. */
export function listedFiles(root: string, dir: string): string[] {
  return nulSeparated(git(['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--full-name', '--', dir], root));
}

/** Whether git ignores `path` (per .gitignore and friends). */
export function isIgnored(root: string, path: string): boolean {
  try {
    git(['check-ignore', '-q', '--', path], root);
    return true;
  } catch {
    return false;
  }
}

/** Files added, copied, modified or renamed in the index, relative to `root`. */
export function stagedFiles(root: string): string[] {
  return nulSeparated(git(['diff', '--cached', '--name-only', '-z', '--diff-filter=ACMR'], root));
}

/** The staged content of `relativePath` (`git show :path`), not the work tree's. */
export function stagedContent(root: string, relativePath: string): Buffer {
  return git(['show', `:${relativePath}`], root);
}
