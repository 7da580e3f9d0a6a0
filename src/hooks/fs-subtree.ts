// A recursive rm decides every path it would remove before anything is removed (a rename of a directory
// some rule guards below, every path it would move). Node 24+ removes the
// tree in C++ (no public fs call per entry), and on every line a denied entry found half-way would leave
// a partly removed tree: so the whole subtree is walked first, without following symlinks, with the
// originals captured at load, and one denied entry denies the call.
import fs = require('node:fs');
import type { GovernanceDeniedError } from '../kernel/errors';
import { primordials } from '../primordials';
import { absolutePath, resolveTarget, trimTrailingSlashes } from './fs-paths';

const { ArrayPrototypePush } = primordials;
const lstat = fs.lstatSync;
const readdir = fs.readdirSync;
const arrayPop = Array.prototype.pop;
const { S_IFMT, S_IFDIR } = fs.constants;
const LSTAT_NO_THROW = { throwIfNoEntry: false } as const;

const RECURSIVE = ['recursive'];

/**
 * Whether the options (of rm, rmdir, readdir, opendir, mkdir) ask for recursion; the caller hands Node this copy,
 * without a prototype and with `recursive` its own, so an inherited getter cannot answer the check and Node apart.
 */
export function recursiveOptions(args: unknown[], at: number): boolean {
  const options = args[at];
  if (typeof options !== 'object' || options === null) return false;
  const copy = primordials.ownOptions<{ recursive?: unknown }>(options, RECURSIVE);
  // Absent stays absent: Node's rm/rmSync spread their defaults under the options, and an own `recursive: undefined`
  // replaced the default `false` (ERR_INVALID_ARG_TYPE for `rmSync(path, { force: true })`, every line).
  if (copy.recursive === undefined) delete copy.recursive;
  args[at] = copy;
  return copy.recursive === true;
}

/**
 * For mkdir with `recursive`: decides with `check` each missing directory above `path`, which Node creates too
 * (only `path` itself was decided). Stops at the first that exists.
 */
export function checkMissingAncestors(path: string, check: (target: string) => GovernanceDeniedError | null): GovernanceDeniedError | null {
  for (let dir = parentOf(trimTrailingSlashes(absolutePath(path))); dir !== '/' && !exists(dir); dir = parentOf(dir)) {
    const denied = check(resolveTarget(dir, false));
    if (denied !== null) return denied;
  }
  return null;
}

function parentOf(path: string): string {
  const slash = primordials.StringPrototypeLastIndexOf(path, '/');
  return slash <= 0 ? '/' : primordials.StringPrototypeSlice(path, 0, slash);
}

function exists(path: string): boolean {
  const savedLimit = primordials.quietErrors();
  try {
    return lstat(path, LSTAT_NO_THROW) !== undefined;
  } catch (error) {
    primordials.rethrowUnlessSystemError(error);
    return true; // Node's mkdir meets the same error there
  } finally {
    primordials.restoreErrors(savedLimit);
  }
}

/**
 * Decides every entry below `path` with `check` (checkWrite for a removal; for a move, the kinds some rule
 * guards there); the top itself is decided by the caller. Nothing
 * below is followed through a symlink: a link inside the tree is removed, not what it points to; the top
 * is a directory when lstat says so (which, as for Node, follows a trailing slash).
 */
export function checkSubtree(path: string, check: (target: string) => GovernanceDeniedError | null): GovernanceDeniedError | null {
  const top = absolutePath(path);
  if (!isDirectory(top)) return null;
  const pending = primordials.newList<[string, string]>();
  ArrayPrototypePush(pending, [trimTrailingSlashes(top), resolveTarget(path, true)]);
  for (;;) {
    const next = primordials.apply(arrayPop, pending, []) as [string, string] | undefined;
    if (next === undefined) return null;
    const dir = next[0];
    const target = next[1];
    const names = namesIn(dir);
    for (let i = 0; i < names.length; i++) {
      const entry = `${dir}/${names[i]}`;
      const entryTarget = target === '/' ? `/${names[i]}` : `${target}/${names[i]}`;
      const denied = check(entryTarget);
      if (denied !== null) return denied;
      if (isDirectory(entry)) ArrayPrototypePush(pending, [entry, entryTarget]);
    }
  }
}

function isDirectory(path: string): boolean {
  const savedLimit = primordials.quietErrors();
  try {
    const stats = lstat(path, LSTAT_NO_THROW);
    return stats !== undefined && (stats.mode & S_IFMT) === S_IFDIR;
  } catch (error) {
    primordials.rethrowUnlessSystemError(error);
    return false;
  } finally {
    primordials.restoreErrors(savedLimit);
  }
}

/** The entry names of a directory; none when it cannot be read (Node's rm then fails on it too). */
function namesIn(dir: string): string[] {
  const savedLimit = primordials.quietErrors();
  try {
    return readdir(dir) as string[];
  } catch (error) {
    primordials.rethrowUnlessSystemError(error);
    return [];
  } finally {
    primordials.restoreErrors(savedLimit);
  }
}
