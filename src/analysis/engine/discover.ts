// Finds the files a check run reads: named files, folders (via git when in a repository, honouring
// .gitignore, else a walk that skips the usual build folders), or the files staged in the git index.
import { closeSync, fstatSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { CheckError } from '../errors';
import { isIgnored, listedFiles, repositoryRoot, stagedContent, stagedFiles } from './git';
import { loadIgnoreFile } from './ignore-file';
import { isInside, toPosix } from './paths';

/** Files larger than this are skipped, not even read: generated bundles and data dumps, not hand-written code. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

export interface SourceFile {
  absolute: string;
  /** The bytes are the work tree's (not the git index's). */
  workTree: boolean;
  /** The file's bytes, or null when it is larger than MAX_FILE_BYTES. */
  read(): Buffer | null;
}

const WALK_SKIPS = new Set(['node_modules', 'dist', '.git', 'coverage']);

function walk(dir: string, into: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!WALK_SKIPS.has(entry.name)) walk(path, into);
    } else if (entry.isFile()) {
      into.push(path);
    }
  }
}

/** A work-tree file's bytes, or null when the size its descriptor reports is over MAX_FILE_BYTES (not read). */
function readWorkTreeFile(path: string): Buffer | null {
  const fd = openSync(path, 'r');
  try {
    return fstatSync(fd).size > MAX_FILE_BYTES ? null : readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

function capped(content: Buffer): Buffer | null {
  return content.length > MAX_FILE_BYTES ? null : content;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function filesOfFolder(dir: string, root: string | null): string[] {
  if (root && isInside(dir, root) && !isIgnored(root, dir)) {
    return listedFiles(root, dir).map((name) => join(root, name)).filter(isFile);
  }
  const found: string[] = [];
  walk(dir, found);
  return found;
}

function workTreeFiles(paths: readonly string[], cwd: string, root: string | null): string[] {
  const targets = paths.length > 0 ? paths.map((path) => resolve(cwd, path)) : [root ?? cwd];
  const files: string[] = [];
  for (const target of targets) {
    let stats;
    try {
      stats = statSync(target);
    } catch {
      throw new CheckError(`no such file or folder: ${target}`);
    }
    if (stats.isDirectory()) files.push(...filesOfFolder(target, root));
    else files.push(target);
  }
  return files;
}

function stagedSourceFiles(paths: readonly string[], cwd: string, root: string | null): SourceFile[] {
  if (!root) throw new CheckError(`--staged needs a git repository, and ${cwd} is not inside one`);
  const limits = paths.map((path) => resolve(cwd, path));
  return stagedFiles(root)
    .map((name) => ({ name, absolute: join(root, name) }))
    .filter(({ absolute }) => limits.length === 0 || limits.some((limit) => isInside(absolute, limit)))
    .map(({ name, absolute }) => ({ absolute, workTree: false, read: () => capped(stagedContent(root, name)) }));
}

/** The files to check, sorted, without duplicates and without those `.governanceignore` names. */
export function discoverFiles(paths: readonly string[], options: { cwd: string; staged: boolean }): SourceFile[] {
  const root = repositoryRoot(options.cwd);
  const base = root ?? options.cwd;
  const ignored = loadIgnoreFile(base);
  const files = options.staged
    ? stagedSourceFiles(paths, options.cwd, root)
    : workTreeFiles(paths, options.cwd, root).map((absolute) => ({ absolute, workTree: true, read: () => readWorkTreeFile(absolute) }));
  const seen = new Set<string>();
  return files
    .filter((file) => {
      if (seen.has(file.absolute)) return false;
      seen.add(file.absolute);
      return !(isInside(file.absolute, base) && ignored(toPosix(relative(base, file.absolute))));
    })
    .sort((a, b) => (a.absolute < b.absolute ? -1 : a.absolute > b.absolute ? 1 : 0));
}
