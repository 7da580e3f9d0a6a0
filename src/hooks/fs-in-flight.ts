// The paths of asynchronous fs calls that were decided but not yet done. Node hands such a call to the thread pool
// (a stream opens on a later tick), and the system call follows the path as the file system is when it runs: a new
// name the program makes meanwhile at a directory or link on its way (unlink `ok/d`, then symlink it to the
// project) sent a decided `ok/sub/x` to `denied/x` or to the signing key, deterministically once the pool was kept
// busy (until 2026-11-23). A new name made at any name such a path goes through is decided as that call through it.
import fs = require('node:fs');
import type { GovernanceDeniedError } from '../kernel/errors';
import { primordials } from '../primordials';
import { rulesGuardBelow } from '../kernel/gate';
import { checkKinds } from './fs-check';
import { resolveTarget } from './fs-paths';
import { READ } from './fs-routes';
import { checkSubtree } from './fs-subtree';

const { apply, newList, SetPrototypeAdd, SetPrototypeHas, StringPrototypeCharCodeAt, StringPrototypeIndexOf, StringPrototypeSlice, StringPrototypeStartsWith } = primordials;
const lstat = fs.lstatSync;
const readlink = fs.readlinkSync;
const promiseThen = Promise.prototype.then;
const { S_IFMT, S_IFLNK } = fs.constants;
const LSTAT_NO_THROW = { throwIfNoEntry: false } as const;
const SLASH = 47;
const MAX_LINKS = 40;

interface InFlight {
  /** Absolute, as Node was handed it. */
  readonly path: string;
  readonly kinds: number;
  readonly follow: boolean;
  /** A recursive Dir's resolved top, whose subdirectories it opens by name later; null for other calls. */
  readonly tree: string | null;
  /** Where it is in `inFlight`, -1 once left: removal swaps in the last entry, so thousands in flight stay cheap. */
  at: number;
}

const inFlight = newList<InFlight>();

/** Notes `path` as in flight until the function returned is called; `tree`: a recursive listing of it. */
export function enterInFlight(path: string, kinds: number, follow: boolean, tree = false): () => void {
  const entry: InFlight = { path, kinds, follow, tree: tree ? resolveTarget(path, true) : null, at: inFlight.length };
  inFlight[inFlight.length] = entry;
  return () => leaveInFlight(entry);
}

const forGood = new primordials.SafeSet<string>();

/** Notes `path` as in flight for the rest of the process, once per path, kinds and follow. */
export function enterInFlightForGood(path: string, kinds: number, follow: boolean): void {
  const key = `${kinds}${follow ? '+' : '-'}${path}`;
  if (SetPrototypeHas(forGood, key)) return;
  SetPrototypeAdd(forGood, key);
  enterInFlight(path, kinds, follow);
}

function leaveInFlight(entry: InFlight): void {
  const at = entry.at;
  if (at < 0) return;
  const last = inFlight[inFlight.length - 1];
  inFlight[at] = last;
  last.at = at;
  inFlight.length--;
  entry.at = -1;
}

/** `callback` (the last of `args`) replaced by one that calls `done` first; false when there is none. */
export function callingBack(args: unknown[], done: () => void): boolean {
  const last = args.length - 1;
  const callback = args[last];
  if (typeof callback !== 'function') return false;
  args[last] = function (this: unknown): unknown {
    done();
    return apply(callback, this, arguments); // forwarded whole: a spread runs Array's iterator
  };
  return true;
}

/** `callback` (the last of `args`) replaced by one that hands its result to heldBy, or calls `done` on an error. */
export function callingBackHeld(args: unknown[], done: () => void): boolean {
  const last = args.length - 1;
  const callback = args[last];
  if (typeof callback !== 'function') return false;
  args[last] = function (this: unknown, error: unknown, value: unknown): unknown {
    if (error === null || error === undefined) heldBy(value, done);
    else done();
    return apply(callback, this, arguments);
  };
  return true;
}

/** `result` (a promise) chained so that `done` runs when it settles, its value or reason passed on unchanged. */
export function settling(result: unknown, done: () => void): unknown {
  return apply(promiseThen, result, [(value: unknown) => {
    done();
    return value;
  }, (error: unknown) => {
    done();
    throw error;
  }]);
}

const finalizationRegister = FinalizationRegistry.prototype.register;
/**
 * Watchers of `fs.watchFile` (Node stats the path by name at each interval), for as long as they live (Blobs of
 * `fs.openAsBlob` stay for good: fs.ts, enterRolesForGood).
 */
const blobs = new FinalizationRegistry<() => void>((done) => done());

/** `blob` (a Blob or a watcher, if it is one) keeps its path in flight until it is collected; otherwise `done` now. */
export function heldBy(blob: unknown, done: () => void): unknown {
  if (typeof blob === 'object' && blob !== null) apply(finalizationRegister, blobs, [blob, done]);
  else done();
  return blob;
}

/** `result` (a promise of a Blob) chained so that its path stays in flight while the Blob lives. */
export function settlingHeld(result: unknown, done: () => void): unknown {
  return apply(promiseThen, result, [(value: unknown) => heldBy(value, done), (error: unknown) => {
    done();
    throw error;
  }]);
}

/**
 * For a new name made at `entry` (absolute) that will lead to `to` (absolute: a symlink's target, or what is moved,
 * linked or copied there): each call in flight whose path goes through `entry` is decided as it would then run.
 */
export function checkInFlightRedirect(entry: string, to: string, symlink: boolean): GovernanceDeniedError | null {
  if (inFlight.length === 0) return null;
  const at = resolveTarget(entry, false);
  for (let i = 0; i < inFlight.length; i++) {
    const call = inFlight[i];
    if (call.tree !== null && StringPrototypeStartsWith(at, `${call.tree}/`)) {
      const denied = checkListing(to);
      if (denied !== null) return denied;
    }
    const tail = tailAfter(call.path, at, call.follow);
    if (tail === null) continue;
    const through = resolveTarget(`${to}${tail}`, call.follow);
    // A plain file or directory moved there is acted on where it then is; a link inside it leads elsewhere.
    const target = !symlink && through === `${resolveTarget(to, false)}${tail}` ? `${at}${tail}` : through;
    const denied = checkKinds(call.kinds, target);
    if (denied !== null) return denied;
  }
  return null;
}

/** A new name below a recursive Dir's top: the Dir may open it and list what it leads to, as a recursive readdir would. */
function checkListing(to: string): GovernanceDeniedError | null {
  const target = resolveTarget(to, true);
  const denied = checkKinds(READ, target);
  if (denied !== null || !rulesGuardBelow('file_read', target)) return denied;
  return checkSubtree(to, (entry) => checkKinds(READ, entry, true));
}

/**
 * The rest of `path` after `at` when resolving `path` (symlinks followed as the system call follows them, the last
 * one only with `follow`) names `at` on its way: '' when `at` is where it ends; null when it does not pass there.
 */
function tailAfter(path: string, at: string, follow: boolean): string | null {
  let rest = path;
  let current = '';
  let links = 0;
  while (rest !== '') {
    const slash = StringPrototypeIndexOf(rest, '/', 1);
    const name = StringPrototypeSlice(rest, 1, slash < 0 ? rest.length : slash);
    rest = slash < 0 ? '' : StringPrototypeSlice(rest, slash);
    if (name === '' || name === '.') continue;
    if (name === '..') {
      current = parentOf(current);
      continue;
    }
    const candidate = `${current}/${name}`;
    if (candidate === at) return rest === '' && !follow ? null : rest;
    const link = rest === '' && !follow ? null : linkText(candidate);
    if (link === null || ++links > MAX_LINKS) {
      current = candidate;
      continue;
    }
    if (StringPrototypeCharCodeAt(link, 0) === SLASH) current = '';
    rest = `/${link}${rest}`;
  }
  return null;
}

function parentOf(path: string): string {
  const slash = primordials.StringPrototypeLastIndexOf(path, '/');
  return slash <= 0 ? '' : StringPrototypeSlice(path, 0, slash);
}

function linkText(path: string): string | null {
  const savedLimit = primordials.quietErrors();
  try {
    const stats = lstat(path, LSTAT_NO_THROW);
    return stats !== undefined && (stats.mode & S_IFMT) === S_IFLNK ? readlink(path) as string : null;
  } catch (error) {
    primordials.rethrowUnlessSystemError(error);
    return null;
  } finally {
    primordials.restoreErrors(savedLimit);
  }
}
