// Governs every path-taking fs API in its sync, callback, promise, stream and FileHandle forms.
// Each wrapper converts its path arguments once, asks the kernel, and calls the original with the
// converted values, so what Node acts on is exactly what was checked.
import fs = require('node:fs');
import type { GovernanceDeniedError } from '../kernel/errors';
import { changeCount, rulesAllow, rulesGuardBelow } from '../kernel/gate';
import { primordials } from '../primordials';
import { convertPath, makeAbsolute, resolveTarget, absolutePath, trimTrailingSlashes, type PathArgument } from './fs-paths';
import { FS_ROUTES, FS_STREAM_ROUTES, READ, TREE, WRITE, kindsOfFlags, type PathRole } from './fs-routes';
import { checkKinds } from './fs-check';
import { checkLogTreeMove, checkRead, checkTreeRead } from './log-files';
import { checkWrite, movesIntoConfigDir, shadowsConfig } from './rules-files';
import { checkArmedRedirect } from './internals-diagnostics';
import { checkMissingAncestors, checkSubtree, recursiveOptions } from './fs-subtree';
import { checkForeignDescriptor, governFileHandleMetadata, installDescriptorHooks, trackOpened } from './fs-descriptors';
import { installGlobHooks } from './fs-glob';
import { callingBack, callingBackHeld, checkInFlightRedirect, enterInFlight, enterInFlightForGood, heldBy, settling, settlingHeld } from './fs-in-flight';
import { lockProperty, shapeLike } from './lock';
import { surfaceError, type ApiForm } from './surface';
import { filterWithGivenPaths, reportingGivenPaths } from './fs-given-paths';

const { apply, defineProperty, getPrototypeOf, newList, ownKeys, ownOptions, ArrayPrototypePush, SetPrototypeAdd, SetPrototypeClear, SetPrototypeHas, StringPrototypeLastIndexOf, StringPrototypeSlice, StringPrototypeStartsWith } = primordials;
const promiseThen = Promise.prototype.then;
const isPrototypeOf = Object.prototype.isPrototypeOf;
const isProxy = require('node:util').types.isProxy as (value: unknown) => boolean;

const fsPromises = fs.promises;
const scratch: PathArgument = { path: null, value: undefined };

// The path (as handed to Node) and kinds checked by the governed call currently running. Node's own
// implementation of some APIs calls other public fs functions on the same path (readFileSync calls
// fs.openSync); those inner calls are the same action and are not checked or recorded twice. A read
// grant never covers a write: user code that runs inside a call (a cpSync filter) cannot escalate. Nor can it move
// the path: a grant holds only while changeCount() stands where it stood, and never for a symlink, link or rename made
// at the path (made inside the call, through a getter or a replaced method Node calls, these used to re-point it).
let grantPath: string | null = null;
let grantKinds = 0;
let grantChanges = -1;
let firstPath: string | null = null;
let firstKinds = 0;
/** The call's relative paths, made absolute by checkRoles: [absolute, given, ...]; null when it had none. */
let firstRelatives: string[] | null = null;
// While a recursive rm whose whole subtree was decided runs: the resolved prefix (`<target>/`) of the entries that
// Node 20/22's JavaScript implementation removes through the public functions, already decided. It covers what
// resolves below it, without access to file contents (an entry's metadata, its removal).
let grantTree: string | null = null;
// Node's own CommonJS loader at work for a require() whose module_load entry is recorded (set by the module
// hooks): the realpaths it takes while it resolves, and its one read of the source of `loaderSource`. Those
// are decided like any read (a deny rule still refuses them), but an allow is not recorded: the module_load
// entry stands for them. Only realpath: program code can run inside resolution (a getter on module.paths),
// and its reads must stay on the record.
const REALPATH_ROLES = FS_ROUTES.realpath;
// A Blob fs.openAsBlob makes is read by name later, whenever the program reads it, and the watcher fs.watchFile returns
// stats its path by name at every interval (a link re-pointed after the call showed it a read-denied file until
// 2026-11-23): the watcher's path stays in flight while it lives, the Blob's for good (enterRolesForGood).
const BLOB_ROLES = FS_ROUTES.openAsBlob;
const WATCH_FILE_ROLES = FS_ROUTES.watchFile;

// A recursive Dir opens each subdirectory by name as the program reads on: its tree stays in flight while it lives.
// A recursive readdir with a callback or promise reads each subdirectory by name on the thread pool, after the
// listing above it: its tree stays in flight until it is done.
const OPENDIR_ROLES = FS_ROUTES.opendir;
const READDIR_ROLES = FS_ROUTES.readdir;

function heldWhileAlive(roles: readonly PathRole[], args: unknown[]): boolean {
  return roles === BLOB_ROLES || roles === WATCH_FILE_ROLES || isRecursiveDir(roles, args);
}

function isRecursiveDir(roles: readonly PathRole[], args: unknown[]): boolean {
  return roles === OPENDIR_ROLES && recursiveOptions(args, 1);
}

function isRecursiveListing(roles: readonly PathRole[], args: unknown[]): boolean {
  return isRecursiveDir(roles, args) || (roles === READDIR_ROLES && recursiveOptions(args, 1));
}
let loaderResolving = false;
let loaderSource: string | null = null;
// The real paths Node's resolver obtained and had allowed while changeCount() stood at `loaderRealsAt`: the
// source read of one of them needs no second resolution (the cost of most of a module load's checks).
const loaderReals = new primordials.SafeSet<string>();
let loaderRealsAt = -1;
// The symbol under which Node's resolvers (CommonJS and ES) pass their realpath cache to fs.realpathSync: it
// marks a realpath as Node's own. Learnt once from a resolution governance makes at start-up; no program code
// can obtain it (it is internal to Node and only ever handed to this wrapper).
let realpathCacheKey: symbol | null = null;
let learningCacheKey = false;

/** Marks Node's own resolver as running (or not); returns the previous mark. */
export function markLoaderResolving(on: boolean): boolean {
  const previous = loaderResolving;
  loaderResolving = on;
  return previous;
}

/** Marks the file whose source Node's own extension handler is about to read (null: none); returns the previous mark. */
export function markLoaderSource(filename: string | null): string | null {
  const previous = loaderSource;
  loaderSource = filename;
  return previous;
}

/**
 * Converts and checks each path argument of one call, replacing it in `args` with the converted value.
 * Returns the first denial, or null. Throws when Node would reject the argument (e.g. a non-file URL).
 */
function checkRoles(roles: readonly PathRole[], args: unknown[]): GovernanceDeniedError | null {
  if (roles.length > 1) convertAll(roles, args);
  // Kept in locals until the end: the kernel may run governed fs calls of its own while deciding.
  let path0: string | null = null;
  let kinds0 = 0;
  let relatives: string[] | null = null;
  for (let i = 0; i < roles.length; i++) {
    const role = roles[i];
    const kinds = kindsOf(role, args);
    if (kinds === 0) continue;
    convertPath(args[role.at], scratch);
    const given = args[role.at];
    if (role.use !== 'linkTarget') makeAbsolute(scratch); // a symlink's target is stored as given
    const path = scratch.path;
    if (typeof given === 'string' && path !== given && path !== null) {
      if (relatives === null) relatives = newList<string>();
      ArrayPrototypePush(relatives, path, given);
    }
    args[role.at] = scratch.value;
    if (path === null) {
      // writeFile, appendFile and truncate also take a descriptor; otherwise Node rejects the argument.
      const denied = typeof scratch.value === 'number' && (kinds & WRITE) !== 0 ? checkForeignDescriptor(scratch.value) : null;
      if (denied !== null) return denied;
      continue;
    }
    if (i === 0) {
      path0 = path;
      kinds0 = kinds;
    }
    // Only for single-path calls: a symlink, link or rename made at the granted path would re-point it (program code
    // inside writeFileSync unlinked it and linked it to the audit database; Node's inner open then followed the link).
    if (path === grantPath && roles.length === 1 && (kinds & ~grantKinds) === 0 && changeCount() === grantChanges) continue;
    const base = role.use === 'linkTarget' ? linkDirectory(args[role.aux!]) : undefined;
    const covered = kinds === READ && ((loaderResolving && roles === REALPATH_ROLES) || path === loaderSource);
    const target = covered && path === loaderSource && isLoaderReal(path) ? path : resolveTarget(path, role.follow, base);
    if (grantTree !== null && StringPrototypeStartsWith(target, grantTree) && !readsContents(role)) continue;
    const denied = checkKinds(kinds, target, covered);
    if (denied !== null) return denied;
  }
  firstPath = path0;
  firstKinds = kinds0;
  firstRelatives = relatives;
  return null;
}

/**
 * Converts every path argument of a call with several before any is decided. Converting an object runs program code
 * (a URL's getters), and code run after the first path was decided could re-point a symlink on its way: a hard link
 * or copy made of `ok/link/x` after `ok/link` was swapped for a link elsewhere reached the signing key (until
 * 2026-11-23). Converted values are strings or governance's own Buffers, which convert again without program code.
 */
function convertAll(roles: readonly PathRole[], args: unknown[]): void {
  for (let i = 0; i < roles.length; i++) {
    const at = roles[i].at;
    if (typeof args[at] !== 'object' || args[at] === null) continue;
    convertPath(args[at], scratch);
    args[at] = scratch.value;
  }
}

function readsContents(role: PathRole): boolean {
  return role.use === 'open' || role.use === 'fileRead' || role.use === 'fileWrite' || role.use === 'fileAppend';
}

function isLoaderReal(path: string): boolean {
  return loaderRealsAt === changeCount() && SetPrototypeHas(loaderReals, path);
}

function rememberLoaderReal(path: string): void {
  const now = changeCount();
  if (loaderRealsAt !== now) {
    SetPrototypeClear(loaderReals);
    loaderRealsAt = now;
  }
  SetPrototypeAdd(loaderReals, path);
}

/**
 * fs.realpathSync while Node's own resolver runs: realpath changes nothing, so it runs first and its result,
 * which is the target itself, is decided (a second resolution would double the cost of a module's checks).
 * Anything unusual (an error, a Buffer result) takes the governed road, where a denial wins over Node's error.
 */
function wrapLoaderRealpath(governed: Function, original: Function): Function {
  const wrapper = function (this: unknown, path: unknown, options: unknown): unknown {
    const args = arguments; // forwarded whole: no rest array on a call every module load makes
    if (learningCacheKey) realpathCacheKey = onlySymbolKey(options);
    const nodeResolver = loaderResolving || (realpathCacheKey !== null && onlySymbolKey(options) === realpathCacheKey);
    if (!nodeResolver || typeof path !== 'string') return apply(governed, this, args);
    let real: unknown;
    try {
      real = apply(original, this, args);
    } catch {
      return apply(governed, this, args);
    }
    if (typeof real !== 'string') return apply(governed, this, args);
    const denied = checkRead(real, true);
    if (denied !== null) return surfaceError('sync', denied, [path, options]);
    rememberLoaderReal(real);
    return real;
  };
  return shapeLike(wrapper, original);
}

/**
 * fs.readFileSync as Node's own CommonJS loader calls it, `(filename, 'utf8')` for the source of the module whose
 * load was just decided and whose real path its resolver just had allowed: that one read is decided directly.
 * Any other call takes the governed road.
 */
function wrapLoaderRead(governed: Function, original: Function): Function {
  const wrapper = function (this: unknown, path: unknown, options: unknown): unknown {
    const source = loaderSource;
    if (source === null || path !== source || options !== 'utf8' || arguments.length !== 2 || !isLoaderReal(source)) return apply(governed, this, arguments);
    const denied = checkRead(source, true);
    if (denied !== null) return surfaceError('sync', denied, [path, options]);
    firstPath = source;
    firstKinds = READ;
    return callGranted(original, this, arguments, null);
  };
  return shapeLike(wrapper, original);
}

function onlySymbolKey(options: unknown): symbol | null {
  if (typeof options !== 'object' || options === null || isProxy(options)) return null;
  const keys = ownKeys(options);
  return keys.length === 1 && typeof keys[0] === 'symbol' ? keys[0] : null;
}

/**
 * Runs `resolve`, a resolution by Node's own CommonJS resolver, to learn the key of its realpath cache. If it
 * fails (a Node that resolves otherwise), nothing is learnt: the ES resolver's reads are then recorded as usual.
 */
export function learnResolverRealpathKey(resolve: () => void): void {
  learningCacheKey = true;
  try {
    resolve();
  } catch {
    realpathCacheKey = null;
  } finally {
    learningCacheKey = false;
  }
}

/**
 * READ/WRITE for one role. A descriptor given to readFile is 0 (authorised by its open); one given to writeFile or
 * appendFile is WRITE, so that checkRoles checks it against the audit log's own files.
 */
function kindsOf(role: PathRole, args: unknown[]): number {
  switch (role.use) {
    case 'read':
    case 'linkTarget':
      return READ;
    case 'readTree':
      return READ | TREE;
    case 'write':
      return WRITE;
    case 'open':
      return kindsOfFlags(args[role.aux!]);
    case 'fileRead':
      return typeof args[role.at] === 'number' ? 0 : kindsOfFlags(optionFlag(args, role.aux!, 'r')) | READ;
    case 'fileWrite':
      return typeof args[role.at] === 'number' ? WRITE : kindsOfFlags(optionFlag(args, role.aux!, 'w')) | WRITE;
    case 'fileAppend':
      return typeof args[role.at] === 'number' ? WRITE : kindsOfFlags(optionFlag(args, role.aux!, 'a')) | WRITE;
  }
}

const FLAG_FIELD = ['flag'];

/**
 * The `flag` option of readFile/writeFile/appendFile. An options object is replaced by its copy (ownOptions),
 * so a getter, its own or inherited, cannot show the check one flag and Node another.
 */
function optionFlag(args: unknown[], at: number, fallback: string): unknown {
  const options = args[at];
  if (typeof options !== 'object' || options === null) return fallback;
  const copy = ownOptions<{ flag?: unknown }>(options, FLAG_FIELD);
  args[at] = copy;
  return copy.flag === undefined ? fallback : copy.flag;
}

/** The directory a symlink's relative target is resolved from: that of the new link. */
function linkDirectory(newPath: unknown): string | undefined {
  const converted: PathArgument = { path: null, value: undefined };
  convertPath(newPath, converted);
  if (converted.path === null) return undefined;
  const absolute = absolutePath(converted.path);
  const slash = StringPrototypeLastIndexOf(absolute, '/');
  return slash <= 0 ? '/' : StringPrototypeSlice(absolute, 0, slash);
}

function callGranted(original: Function, self: unknown, args: ArrayLike<unknown>, tree: string | null): unknown {
  const savedPath = grantPath;
  const savedKinds = grantKinds;
  const savedTree = grantTree;
  const savedChanges = grantChanges;
  grantPath = firstPath;
  // A write grant also covers reads of the same path (truncateSync opens 'r+', rmSync lstats first).
  grantKinds = (firstKinds & WRITE) !== 0 ? READ | WRITE : firstKinds;
  grantTree = tree;
  grantChanges = changeCount();
  try {
    return apply(original, self, args);
  } finally {
    grantPath = savedPath;
    grantKinds = savedKinds;
    grantTree = savedTree;
    grantChanges = savedChanges;
  }
}

/**
 * For rm/rmdir with `recursive: true` (options at `optionsAt`), after the top path was allowed: the top must not
 * hold the audit log's files (checkLogTreeMove), and every entry below it is decided. Returns the denial, or the prefix of the decided entries.
 */
function checkRemovedTree(args: unknown[], optionsAt: number): GovernanceDeniedError | string | null {
  if (firstPath === null || !recursiveOptions(args, optionsAt)) return null;
  const path = firstPath;
  const kinds = firstKinds;
  const top = resolveTarget(path, false);
  const denied = checkLogTreeMove(top) ?? checkSubtree(path, checkWrite);
  // The kernel may have run governed fs calls of its own while deciding.
  firstPath = path;
  firstKinds = kinds;
  return denied ?? `${trimTrailingSlashes(top)}/`;
}

/**
 * For rename, after both paths were allowed. Neither path may be the audit log's state dir or an ancestor of its
 * files (checkLogTreeMove). A move must not take a file out from under a rule that protects
 * it (a deny on `dir/protected/**`, for writes or reads, or a default deny) to a path where the rules allow
 * what that rule refused: such a file is decided at its old path, and its denial refuses the rename. That is
 * the renamed file or directory itself for reads (its name is decided as a write already), and, when a rule
 * could guard something below a renamed directory, every entry below it.
 */
function checkMovedTree(args: unknown[]): GovernanceDeniedError | null {
  if (firstPath === null) return null;
  const path = firstPath;
  const kinds = firstKinds;
  convertPath(args[1], scratch);
  const destination = scratch.path;
  let denied: GovernanceDeniedError | null = null;
  if (destination !== null) {
    const from = resolveTarget(path, false);
    const to = resolveTarget(destination, false);
    const exposed = (target: string): GovernanceDeniedError | null => {
      const moved = to + StringPrototypeSlice(target, from.length);
      if (!rulesAllow('file_read', target) && rulesAllow('file_read', moved)) return checkRead(target);
      return null;
    };
    const exposedBelow = (target: string): GovernanceDeniedError | null => {
      const moved = to + StringPrototypeSlice(target, from.length);
      if (!rulesAllow('file_write', target) && rulesAllow('file_write', moved)) {
        const refused = checkWrite(target);
        if (refused !== null) return refused;
      }
      return exposed(target);
    };
    denied = checkLogTreeMove(from) ?? checkLogTreeMove(to) ?? exposed(from);
    if (denied === null && (rulesGuardBelow('file_write', from) || rulesGuardBelow('file_read', from))) denied = checkSubtree(path, exposedBelow);
    // A config file inside a directory moved in lands below the active config's directory without a write of its own.
    if (denied === null && movesIntoConfigDir(from, to)) denied = checkSubtree(path, (target) => shadowsConfig(to + StringPrototypeSlice(target, from.length)) ? checkWrite(to + StringPrototypeSlice(target, from.length)) : null);
  }
  // The kernel may have run governed fs calls of its own while deciding.
  firstPath = path;
  firstKinds = kinds;
  return denied;
}

/**
 * What an API does beyond its path when its options (at index 1) ask for recursion, or, for rename, always:
 * removes a tree (rm, rmdir), moves one (rename), lists one (readdir, opendir), creates missing parents (mkdir).
 */
type TreeKind = 'remove' | 'move' | 'list' | 'create' | 'copy' | 'link' | 'symlink' | null;

function treeKindOf(base: string): TreeKind {
  if (base === 'cp') return 'copy';
  if (base === 'link' || base === 'symlink') return base;
  if (base === 'rm' || base === 'rmdir') return 'remove';
  if (base === 'rename') return 'move';
  if (base === 'readdir' || base === 'opendir') return 'list';
  return base === 'mkdir' ? 'create' : null;
}

/**
 * A recursive listing names every entry below: where some rule could refuse a read there, each entry is decided
 * as a read (a refusal is recorded, an allow is not: the listing's own entry stands for them).
 */
function checkListedTree(args: unknown[]): GovernanceDeniedError | null {
  if (firstPath === null || !recursiveOptions(args, 1)) return null;
  const path = firstPath;
  const kinds = firstKinds;
  const denied = rulesGuardBelow('file_read', resolveTarget(path, true)) ? checkSubtree(path, checkListedEntry) : null;
  firstPath = path;
  firstKinds = kinds;
  return denied;
}

function checkListedEntry(target: string): GovernanceDeniedError | null {
  return checkKinds(READ, target, true);
}

const COPY_FIELDS = ['recursive', 'dereference'];

/**
 * A recursive cp (options at index 2): Node 22+ copies a directory in C++, writing through any symlink already at
 * a destination entry and, with `dereference`, reading whatever a source link points to. So each entry below the
 * source is decided: its destination resolved (following links there) as a write, and with `dereference` a source
 * link's resolved target as a tree read (the key directory behind a link was copied out until 2026-11-22).
 */
function checkCopiedTree(args: unknown[], relatives: string[] | null): GovernanceDeniedError | null {
  const copy = args[2] as { recursive?: unknown; dereference?: unknown; filter?: unknown } | undefined;
  if (firstPath === null || typeof copy !== 'object' || copy === null) return null;
  if (relatives !== null && typeof copy.filter === 'function') copy.filter = filterWithGivenPaths(copy.filter, relatives);
  const converted: PathArgument = { path: null, value: undefined };
  convertPath(args[1], converted);
  const destination = converted.path; // made absolute by checkRoles
  if (copy.recursive !== true || destination === null) return null;
  const path = firstPath;
  const kinds = firstKinds;
  const root = resolveTarget(path, true);
  const dereference = copy.dereference === true;
  const denied = checkSubtree(path, (entry) => {
    const refused = dereference ? checkTreeRead(resolveTarget(entry, true)) : null;
    return refused ?? checkWrite(resolveTarget(destination + StringPrototypeSlice(entry, root.length), true));
  });
  firstPath = path;
  firstKinds = kinds;
  return denied;
}

/** cp's options (at index 2) as a copy without a prototype, recursive and dereference their own or absent. */
function copyOptions(args: unknown[]): void {
  const options = args[2];
  if (typeof options !== 'object' || options === null) return;
  const copy = ownOptions<{ recursive?: unknown; dereference?: unknown }>(options, COPY_FIELDS);
  // Absent stays absent: Node merges the options over its defaults, and rejects a field set to undefined.
  if (copy.recursive === undefined) delete copy.recursive;
  if (copy.dereference === undefined) delete copy.dereference;
  args[2] = copy;
}

/**
 * The options the tree checks read, copied before any path is decided: reading them runs program code (getters,
 * a Proxy), which run after a decision could re-point a symlink the decision followed (an `rmSync(path, options)`
 * whose `recursive` getter did so removed a file in a protected directory until 2026-11-23). Read again later,
 * the copies run no program code.
 */
function copyTreeOptions(treeKind: TreeKind, args: unknown[]): void {
  if (treeKind === 'copy') copyOptions(args);
  else if (treeKind === 'remove' || treeKind === 'list' || treeKind === 'create') recursiveOptions(args, 1);
}

/**
 * The new name a rename, link, symlink or copy makes (args[1]), for the C++ writers armed to write through it later:
 * it will lead to the source (args[0]), or for a symlink to its target text read from the new name's directory.
 */
function checkNewName(args: unknown[], symlink: boolean): GovernanceDeniedError | null {
  const path = firstPath;
  const kinds = firstKinds;
  const converted: PathArgument = { path: null, value: undefined };
  convertPath(args[0], converted);
  const source = converted.path;
  convertPath(args[1], converted);
  const entry = converted.path;
  let denied: GovernanceDeniedError | null = null;
  if (source !== null && entry !== null) {
    const to = absolutePath(source, symlink ? linkDirectory(entry) : undefined);
    denied = checkArmedRedirect(absolutePath(entry), to, symlink) ?? checkInFlightRedirect(absolutePath(entry), to, symlink);
  }
  firstPath = path;
  firstKinds = kinds;
  return denied;
}

function checkCreatedParents(args: unknown[]): GovernanceDeniedError | null {
  if (firstPath === null || !recursiveOptions(args, 1)) return null;
  const path = firstPath;
  const kinds = firstKinds;
  const denied = checkMissingAncestors(path, checkWrite);
  firstPath = path;
  firstKinds = kinds;
  return denied;
}

function wrapPathApi(original: Function, roles: readonly PathRole[], form: ApiForm, treeKind: TreeKind = null): Function {
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    let denied: GovernanceDeniedError | null;
    let tree: string | null = null;
    let relatives: string[] | null = null;
    try {
      copyTreeOptions(treeKind, args);
      denied = checkRoles(roles, args);
      if (denied === null) relatives = firstRelatives;
      if (denied === null && treeKind === 'remove') {
        const removed = checkRemovedTree(args, 1);
        if (typeof removed === 'string') tree = removed;
        else denied = removed;
      } else if (denied === null && treeKind === 'move') denied = checkMovedTree(args);
      else if (denied === null && treeKind === 'list') denied = checkListedTree(args);
      else if (denied === null && treeKind === 'create') denied = checkCreatedParents(args);
      else if (denied === null && treeKind === 'copy') denied = checkCopiedTree(args, relatives);
      if (denied === null && (treeKind === 'move' || treeKind === 'copy' || treeKind === 'link' || treeKind === 'symlink')) denied = checkNewName(args, treeKind === 'symlink');
    } catch (error) {
      return surfaceError(form, error, args);
    }
    if (denied !== null) return surfaceError(form, denied, args);
    if (form === 'callback' || form === 'promise' || heldWhileAlive(roles, args)) return callInFlight(original, this, args, tree, relatives, roles, form);
    if (relatives === null) return callGranted(original, this, args, tree);
    const self = this;
    return reportingGivenPaths(form, args, relatives, () => callGranted(original, self, args, tree));
  };
  return shapeLike(wrapper, original);
}

/** An asynchronous call, its paths noted as in flight (fs-in-flight.ts) until its callback runs or its promise settles. */
function callInFlight(original: Function, self: unknown, args: unknown[], tree: string | null, relatives: string[] | null, roles: readonly PathRole[], form: ApiForm): unknown {
  if (roles === BLOB_ROLES) {
    enterRolesForGood(roles, args);
    return relatives === null ? callGranted(original, self, args, tree) : reportingGivenPaths(form, args, relatives, () => callGranted(original, self, args, tree));
  }
  const held = heldWhileAlive(roles, args);
  const done = enterRoles(roles, args, isRecursiveListing(roles, args));
  if (form === 'callback' && !(held ? callingBackHeld(args, done) : callingBack(args, done))) done(); // Node throws for the missing callback
  let result: unknown;
  try {
    result = relatives === null ? callGranted(original, self, args, tree) : reportingGivenPaths(form, args, relatives, () => callGranted(original, self, args, tree));
  } catch (error) {
    done();
    throw error;
  }
  if (held && form !== 'callback') return form === 'promise' ? settlingHeld(result, done) : heldBy(result, done);
  return form === 'promise' ? settling(result, done) : result;
}

/** Notes the path of each role as handed to Node (a symlink's target text is not followed by the call). */
function enterRoles(roles: readonly PathRole[], args: unknown[], tree: boolean): () => void {
  const converted: PathArgument = { path: null, value: undefined };
  const leaves = newList<() => void>();
  for (let i = 0; i < roles.length; i++) {
    const role = roles[i];
    if (role.use === 'linkTarget') continue;
    const kinds = kindsOf(role, args);
    convertPath(args[role.at], converted);
    if (kinds !== 0 && converted.path !== null) leaves[leaves.length] = enterInFlight(absolutePath(converted.path), kinds, role.follow, tree);
  }
  return () => {
    for (let i = 0; i < leaves.length; i++) leaves[i]();
  };
}

/**
 * A Blob of fs.openAsBlob: its path stays in flight for the rest of the process. Its file is read by name whenever
 * any Blob sharing its data is read, and those outlive the one returned (`slice()`, `new Blob([blob])`, an object URL
 * that `resolveObjectURL` turns back into a Blob): until 2026-11-23 the path left when the returned
 * Blob was collected, and a slice or object URL read a read-denied file through a link re-pointed after that.
 */
function enterRolesForGood(roles: readonly PathRole[], args: unknown[]): void {
  const converted: PathArgument = { path: null, value: undefined };
  for (let i = 0; i < roles.length; i++) {
    const role = roles[i];
    const kinds = kindsOf(role, args);
    convertPath(args[role.at], converted);
    if (kinds !== 0 && converted.path !== null) enterInFlightForGood(absolutePath(converted.path), kinds, role.follow);
  }
}

// ---- FileHandle: promise readFile/writeFile/appendFile accept one; it is authorised by its open.

let fileHandleProto: object | null = null;
let fileHandleMethods: Record<string, Function> | null = null;

function passFileHandle(handle: unknown): unknown {
  if (fileHandleProto === null && typeof handle === 'object' && handle !== null) {
    const proto = getPrototypeOf(handle) as Record<string, Function>;
    fileHandleProto = proto;
    fileHandleMethods = { readFile: proto.readFile, writeFile: proto.writeFile, appendFile: proto.appendFile };
    governFileHandleMetadata(proto);
  }
  return handle;
}

function isFileHandle(value: unknown): boolean {
  return fileHandleProto !== null && typeof value === 'object' && value !== null && !isProxy(value) && apply(isPrototypeOf, fileHandleProto, [value]) === true;
}

function wrapHandleAcceptingPromiseApi(name: string, original: Function, roles: readonly PathRole[]): Function {
  const governed = wrapPathApi(original, roles, 'promise');
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    if (isFileHandle(args[0])) {
      // Never hand Node the caller's object as a "path": call the FileHandle method directly.
      const handle = args[0];
      return apply(fileHandleMethods![name], handle, primordials.ArrayPrototypeSlice(args, 1));
    }
    return apply(governed, this, args);
  };
  return shapeLike(wrapper, original);
}

function wrapPromiseOpen(original: Function, roles: readonly PathRole[]): Function {
  const governed = wrapPathApi(original, roles, 'promise');
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    const result = apply(governed, this, args);
    if (fileHandleProto !== null) return result;
    // The caller gets the chained promise, so the class is known before any FileHandle reaches user
    // code, and a rejection still reaches the caller (handled or reported as unhandled) unchanged.
    return apply(promiseThen, result, [passFileHandle]);
  };
  return shapeLike(wrapper, original);
}

// ---- Streams: decided at creation; a denied stream emits 'error' like a stream on a bad path.

const originalOpen = fs.open;

/**
 * The functions a stream keeps (as `stream[kFs]`, which the program can read) and calls with its descriptor: the
 * governed ones, read when the stream is made, after installation. Captured at load, they were the originals, and
 * any program could write to the audit database's descriptor through them (until 2026-11-22).
 */
function streamFunctions(open: Function): object {
  return { __proto__: null, open, close: fs.close, read: fs.read, write: fs.write, writev: fs.writev, fsync: fs.fsync };
}

function wrapStreamApi(original: Function, defaultFlags: string, impliedKind: number): Function {
  const wrapper = function (this: unknown, path: unknown, options?: unknown): unknown {
    const opts = streamOptions(options);
    if (opts.fd !== undefined && opts.fd !== null) return apply(original, this, [path, opts]);
    convertPath(path, scratch);
    makeAbsolute(scratch);
    const checkedPath = scratch.path;
    const value = scratch.value;
    if (checkedPath === null) return apply(original, this, [value, opts]);
    const flags = opts.flags === undefined ? defaultFlags : opts.flags;
    const kinds = kindsOfFlags(flags) | impliedKind;
    const denied = checkKinds(kinds, resolveTarget(checkedPath, true));
    const ours = denied !== null || opts.fs === undefined;
    if (denied !== null) opts.fs = streamFunctions(failingOpen(denied));
    else if (ours) opts.fs = streamFunctions(checkedOpen(value, flags, enterInFlight(checkedPath, kinds, true)));
    const stream = apply(original, this, [value, opts]) as { path?: unknown };
    // Our open opens what was decided, whatever the stream passes: its public `path` stays what the caller gave.
    if (ours && typeof path === 'string' && value !== path && stream.path === value) stream.path = path;
    return stream;
  };
  return shapeLike(wrapper, original);
}

/** Without a prototype: `fs` and `fd`, read here and by Node, are the caller's own or absent, never inherited. */
function streamOptions(options: unknown): Record<string, unknown> {
  if (typeof options === 'string') return { __proto__: null, encoding: options } as Record<string, unknown>;
  if (typeof options === 'object' && options !== null) return { __proto__: null, ...options } as Record<string, unknown>;
  return { __proto__: null } as unknown as Record<string, unknown>;
}

function failingOpen(denied: GovernanceDeniedError): Function {
  return function open(_path: unknown, _flags: unknown, _mode: unknown, callback: (error: unknown) => void): void {
    callback(denied);
  };
}

/**
 * Opens the path and flags that were checked, once, whatever the stream passes (its public `path` and
 * `flags` properties can be changed before it opens). Any later call goes through the governed fs.open.
 */
function checkedOpen(path: unknown, flags: unknown, done: () => void): Function {
  let used = false;
  return function open(this: unknown, otherPath: unknown, otherFlags: unknown, mode: unknown, callback: unknown): unknown {
    if (used) return apply(fs.open, fs, [otherPath, otherFlags, mode, callback]);
    used = true;
    const args = [path, flags, mode, callback];
    if (!callingBack(args, done)) done();
    try {
      return apply(originalOpen, fs, args);
    } catch (error) {
      done();
      throw error;
    }
  };
}

// ---- Paths given back: Node returns mkdtemp's new directory, recursive mkdir's first one and a Dir's path as it was
// handed the path, absolute under governance (checkRoles): a path the caller gave relative is returned relative again.

function givesPathBack(base: string, governed: Function, form: ApiForm): Function {
  if (base !== 'mkdtemp' && base !== 'mkdir' && base !== 'opendir') return governed;
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    const given = args[0];
    if (typeof given !== 'string' || given === '' || given[0] === '/') return apply(governed, this, args);
    const added = absolutePath(''); // what checkRoles puts before it
    const relative = (value: unknown): unknown => {
      if (base === 'opendir') return givenDirPath(value, given);
      return typeof value === 'string' && StringPrototypeStartsWith(value, added) ? StringPrototypeSlice(value, added.length) : value;
    };
    const last = args.length - 1;
    if (form === 'callback' && typeof args[last] === 'function') {
      const callback = args[last] as Function;
      args[last] = function (this: unknown, error: unknown, value: unknown): unknown {
        return apply(callback, this, [error, relative(value)]);
      };
    }
    const result = apply(governed, this, args);
    if (form === 'sync') return relative(result);
    return form === 'promise' ? apply(promiseThen, result, [relative]) : result;
  };
  return shapeLike(wrapper, governed);
}

/** A Dir reads its path from an internal slot: an own `path` shows the caller's. */
function givenDirPath(dir: unknown, given: string): unknown {
  if (typeof dir === 'object' && dir !== null) defineProperty(dir, 'path', { __proto__: null, value: given, enumerable: false, configurable: true, writable: false } as PropertyDescriptor);
  return dir;
}

// ---- Installation.

function formOf(name: string): ApiForm {
  if (name === 'exists') return 'exists';
  if (name === 'existsSync') return 'existsSync';
  if (name === 'watch' || name === 'watchFile') return 'sync';
  return name.endsWith('Sync') ? 'sync' : 'callback';
}

function installOn(owner: Record<string, unknown>, name: string, wrapper: Function): void {
  lockProperty(owner, name, wrapper);
}

function installRealpath(name: 'realpath' | 'realpathSync', form: ApiForm): void {
  const original = fs[name] as Function & { native: Function };
  const roles = FS_ROUTES.realpath;
  const governed = wrapPathApi(original, roles, form);
  const wrapper = form === 'sync' ? wrapLoaderRealpath(governed, original) : governed;
  lockProperty(wrapper, 'native', wrapPathApi(original.native, roles, form));
  installOn(fs as never, name, wrapper);
}

export function installFsHooks(): void {
  const fsModule = fs as unknown as Record<string, unknown>;
  const promises = fsPromises as unknown as Record<string, unknown>;
  for (const base of primordials.objectKeys(FS_ROUTES)) {
    const roles = FS_ROUTES[base];
    // realpath carries `.native`; openAsBlob reports through a promise (its Sync twin is added on Node 26).
    if (base !== 'realpath' && base !== 'openAsBlob') {
      for (const name of [base, base + 'Sync']) {
        const original = fsModule[name];
        if (typeof original !== 'function') continue;
        const governed = givesPathBack(base, wrapPathApi(original, roles, formOf(name), treeKindOf(base)), formOf(name));
        if (base === 'open') installOn(fsModule, name, trackOpened(governed, original, formOf(name)));
        else installOn(fsModule, name, name === 'readFileSync' ? wrapLoaderRead(governed, original) : governed);
      }
    }
    const promiseOriginal = promises[base];
    if (typeof promiseOriginal !== 'function') continue;
    let wrapper: Function;
    if (base === 'open') wrapper = wrapPromiseOpen(promiseOriginal, roles);
    else if (base === 'readFile' || base === 'writeFile' || base === 'appendFile') wrapper = wrapHandleAcceptingPromiseApi(base, promiseOriginal, roles);
    else wrapper = givesPathBack(base, wrapPathApi(promiseOriginal, roles, base === 'watch' ? 'iterator' : 'promise', treeKindOf(base)), 'promise');
    installOn(promises, base, wrapper);
  }
  if (typeof fsModule.openAsBlob === 'function') installOn(fsModule, 'openAsBlob', wrapPathApi(fsModule.openAsBlob as Function, FS_ROUTES.openAsBlob, 'promise'));
  if (typeof fsModule.openAsBlobSync === 'function') installOn(fsModule, 'openAsBlobSync', wrapPathApi(fsModule.openAsBlobSync as Function, FS_ROUTES.openAsBlob, 'sync'));
  installRealpath('realpath', 'callback');
  installRealpath('realpathSync', 'sync');
  for (const name of primordials.objectKeys(FS_STREAM_ROUTES)) {
    const impliedKind = FS_STREAM_ROUTES[name] === 'r' ? READ : WRITE;
    installOn(fsModule, name, wrapStreamApi(fsModule[name] as Function, FS_STREAM_ROUTES[name], impliedKind));
  }
  installGlobHooks(fsModule, promises);
  installDescriptorHooks();
}
