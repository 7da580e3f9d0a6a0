// Turns whatever a caller passed as a path (string, Buffer, Uint8Array, file: URL) into the target the
// kernel matches: absolute and symlink-resolved on the longest existing prefix, without lexical `..`
// folding before symlinks are resolved (the OS resolves `link/..` through the link, so must we).
// Everything used here is captured when this module loads, before user code runs.
import fs = require('node:fs');
import { fileURLToPath } from 'node:url';
import { types } from 'node:util';
import { primordials } from '../primordials';

const { apply, copyBytes, StringPrototypeCharCodeAt, StringPrototypeIndexOf, StringPrototypeLastIndexOf, StringPrototypeSlice } = primordials;

const realpathNative = fs.realpathSync.native;
const lstat = fs.lstatSync;
const readlink = fs.readlinkSync;
const readdir = fs.readdirSync;
const cwd = process.cwd;
const isUint8Array = types.isUint8Array;
const isProxy = types.isProxy;
const decoder = new TextDecoder();
const decode = TextDecoder.prototype.decode;
const encoder = new TextEncoder();
const encode = TextEncoder.prototype.encode;
const toFileUrlPath = fileURLToPath;

const { S_IFMT, S_IFLNK } = fs.constants;
const SLASH = 47;
const MAX_LINKS = 40;
const LSTAT_NO_THROW = { throwIfNoEntry: false } as const;

/**
 * What a path argument is, after conversion: a string to check, or a value passed through unchecked
 * because Node itself treats it as a descriptor or rejects it before touching the file system.
 */
export interface PathArgument {
  /** The path as a string (for the check), or null when `value` is not a path. */
  path: string | null;
  /** What to hand to Node instead of the caller's object: a string or a private Buffer copy. */
  value: unknown;
}

/**
 * Converts a path argument. Strings pass as they are; byte paths are copied so the caller cannot change
 * them after the check; URL-like objects are converted once, and Node receives the resulting string.
 * Any other object becomes `null`, which Node rejects with its usual ERR_INVALID_ARG_TYPE; handing Node
 * the caller's object would let a getter show Node a different path from the one checked.
 */
export function convertPath(value: unknown, out: PathArgument): void {
  if (typeof value === 'string') {
    out.path = value;
    out.value = value;
    return;
  }
  if (typeof value !== 'object' || value === null) {
    out.path = null;
    out.value = value;
    return;
  }
  if (isUint8Array(value)) {
    const copy = copyBytes(value as Uint8Array);
    const path = apply(decode, decoder, [copy]) as string;
    out.path = path;
    // Bytes that are not UTF-8 decode to U+FFFD: the string checked names another file than the bytes do (a link
    // named 0xFF led past the check until 2026-11-22), so Node gets the string, and acts on the file decided.
    out.value = StringPrototypeIndexOf(path, '\uFFFD') >= 0 ? path : copy;
    return;
  }
  if (!isProxy(value) && isUrlLike(value)) {
    const path = toFileUrlPath(value as URL);
    out.path = path;
    out.value = path;
    return;
  }
  out.path = null;
  out.value = null;
}

/**
 * A converted relative path made absolute, for the check and for Node alike: Node then acts on the directory of
 * the decision, not on the one current when the open happens (a stream opens on a later tick, the thread pool
 * later still) or after another thread's chdir.
 */
export function makeAbsolute(out: PathArgument): void {
  const path = out.path;
  if (path === null || path === '' || StringPrototypeCharCodeAt(path, 0) === SLASH) return; // '' is Node's ENOENT, not the directory
  out.path = absolutePath(path);
  out.value = typeof out.value === 'string' ? out.path : copyBytes(encodeUtf8(absolutePath('')), out.value as Uint8Array);
}

function encodeUtf8(s: string): Uint8Array {
  return apply(encode, encoder, [s]) as Uint8Array;
}

function isUrlLike(value: object): boolean {
  const candidate = value as { href?: unknown; protocol?: unknown };
  return Boolean(candidate.href) && Boolean(candidate.protocol);
}

/**
 * `path` as C code reads it: up to its first NUL. Node's fs functions reject a NUL, but native code that takes a
 * path without Node's validation (the dynamic loader, uvwasi's preopens, libuv's pipe bind) stops there, so a check
 * of the whole string (`/denied\0/../allowed` folds to `/allowed`) would decide a different file.
 */
export function cString(path: string): string {
  const nul = StringPrototypeIndexOf(path, '\0');
  return nul < 0 ? path : StringPrototypeSlice(path, 0, nul);
}

/** `path` made absolute against the current directory, without any normalisation. */
export function absolutePath(path: string, base?: string): string {
  if (StringPrototypeCharCodeAt(path, 0) === SLASH) return path;
  const dir = base === undefined ? cwd() : base;
  return dir === '/' ? '/' + path : dir + '/' + path;
}

/**
 * The native_addon target of a shared library the dynamic loader opens: its real path, or `library:<name>` for
 * a name the loader searches for (no `/`) or expands (a `$ORIGIN`-style token). Relative paths from `base`.
 */
export function libraryTarget(given: string, base?: string): string {
  const name = cString(given);
  if (primordials.StringPrototypeIndexOf(name, '/') === -1 || primordials.StringPrototypeIndexOf(name, '$') !== -1) return `library:${name}`;
  return resolveTarget(name, true, base);
}

/**
 * The kernel's target for `path`: absolute, normalised, symlinks resolved. With `followLast` false the
 * final component is not followed (lstat, unlink, rename, readlink, symlink's new path act on the link).
 */
export function resolveTarget(path: string, followLast: boolean, base?: string): string {
  const absolute = absolutePath(cString(path), base === undefined ? undefined : cString(base));
  const savedLimit = primordials.quietErrors();
  try {
    return followLast ? resolveFollowing(absolute, 0) : resolveParentOf(absolute, 0);
  } finally {
    primordials.restoreErrors(savedLimit);
  }
}

function resolveFollowing(absolute: string, links: number): string {
  try {
    return realpathNative(absolute);
  } catch (error) {
    // Only the file system's own answer may decide the path some other way; anything else (an exhausted stack) stops the call.
    primordials.rethrowUnlessSystemError(error);
    if (!isMissing(error)) return lexicalFallback(absolute);
  }
  // Something on the way does not exist. Resolve the parent, then look at the last component itself:
  // it may be a dangling symlink, whose target is what a create through it would make.
  const candidate = resolveParentOf(absolute, links);
  if (links >= MAX_LINKS) return candidate;
  const link = readLinkIfAny(candidate);
  return link === null ? candidate : resolveFollowing(absolutePath(link, parentOf(candidate)), links + 1);
}

function readLinkIfAny(path: string): string | null {
  try {
    const stats = lstat(path, LSTAT_NO_THROW);
    return stats !== undefined && (stats.mode & S_IFMT) === S_IFLNK ? readlink(path) : null;
  } catch (error) {
    primordials.rethrowUnlessSystemError(error);
    return null;
  }
}

function resolveParentOf(absolute: string, links: number): string {
  const trimmed = trimTrailingSlashes(absolute);
  if (trimmed === '/') return '/';
  const slash = StringPrototypeLastIndexOf(trimmed, '/');
  const name = StringPrototypeSlice(trimmed, slash + 1);
  const parent = slash === 0 ? '/' : resolveFollowing(StringPrototypeSlice(trimmed, 0, slash), links);
  if (name === '.') return parent;
  if (name === '..') return parentOf(parent);
  return parent === '/' ? '/' + name : parent + '/' + name;
}

/** `path` without trailing slashes (`/` stays). */
export function trimTrailingSlashes(path: string): string {
  let end = path.length;
  while (end > 1 && StringPrototypeCharCodeAt(path, end - 1) === SLASH) end--;
  return end === path.length ? path : StringPrototypeSlice(path, 0, end);
}

function parentOf(path: string): string {
  const slash = StringPrototypeLastIndexOf(path, '/');
  return slash <= 0 ? '/' : StringPrototypeSlice(path, 0, slash);
}

function isMissing(error: unknown): boolean {
  const code = primordials.ownErrorCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

// ELOOP, EACCES, ENAMETOOLONG...: the call itself will fail the same way; match on the path as written,
// with `.` and `..` folded so a rule cannot be sidestepped by spelling.
function lexicalFallback(absolute: string): string {
  const parts = primordials.StringSplit(absolute, '/');
  const kept = primordials.newList<string>();
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part === '' || part === '.') continue;
    if (part === '..') kept.length = kept.length > 0 ? kept.length - 1 : 0;
    else primordials.ArrayPrototypePush(kept, part);
  }
  return '/' + primordials.ArrayPrototypeJoin(kept, '/');
}

/** The names in directory `dir` (no decision: governance's own look), or an empty list when it cannot be read. */
export function directoryNames(dir: string): readonly string[] {
  try {
    return apply(readdir, fs, [dir]) as string[];
  } catch {
    return [];
  }
}
