// Governance's installed files: its package and the packages of the modules it loaded as it started (picomatch,
// the SQLite driver and its native addon...) and of its dependencies, declared and transitive. Every governed child starts with this
// package's register.js, and every later run loads it again: a program whose rules let it write the project rewrote
// `node_modules/@mltrainer/governance/dist/register.js` and its node child ran ungoverned (until 2026-11-23). Writing
// in them, or moving or removing one of them or a directory above, is a runtime_bypass whatever the rules allow.
import fs = require('node:fs');
import Module = require('node:module');
import nodePath = require('node:path');
import { primordials } from '../primordials';
import { resolveTarget } from './fs-paths';

const { dirname, resolve } = nodePath;
const { existsSync, readFileSync } = fs;
const { ArrayPrototypeIncludes, newList, objectKeys, StringPrototypeEndsWith, StringPrototypeLastIndexOf, StringPrototypeIndexOf, StringPrototypeSlice, StringPrototypeStartsWith } = primordials;

interface CjsModule {
  filename?: unknown;
  children?: CjsModule[];
}

const NODE_MODULES = '/node_modules/';
const packageRoot = resolve(__dirname, '..', '..', '..');
const moduleCache = (Module as unknown as { _cache: Record<string, CjsModule | undefined> })._cache;

/** Resolved package directories; empty until activation. */
let directories: readonly string[] = [];
// For isOwnFile, on every write: the directories inside a node_modules folder, and those folders (`…/node_modules/`,
// a handful), so that a write elsewhere costs a few prefix tests; the other directories (a checkout, a linked
// package) each with its `<dir>/`.
let inFolders: Set<string> = new primordials.SafeSet<string>();
let folders: readonly string[] = [];
let others: readonly string[] = [];
let otherPrefixes: readonly string[] = [];

/**
 * Called at activation before the hooks and before own-modules seals the cache: the modules loaded so far are
 * governance's and what it required (no program code has run under a preload).
 */
export function protectOwnFiles(): void {
  const found = new primordials.SafeSet<string>();
  primordials.SetPrototypeAdd(found, resolveTarget(packageRoot, true));
  const dist = `${packageRoot}/dist/`;
  const seen = new WeakSet<object>();
  const filenames = objectKeys(moduleCache);
  for (let i = 0; i < filenames.length; i++) {
    if (StringPrototypeStartsWith(filenames[i], dist)) collect(moduleCache[filenames[i]], found, seen);
  }
  addDependencies(found);
  const dirs = newList<string>();
  const folderList = newList<string>();
  const otherList = newList<string>();
  const below = newList<string>();
  found.forEach((dir) => {
    dirs[dirs.length] = dir;
    const end = packageEnd(dir, StringPrototypeLastIndexOf(dir, NODE_MODULES));
    if (end === dir.length) {
      const folder = StringPrototypeSlice(dir, 0, StringPrototypeLastIndexOf(dir, NODE_MODULES) + NODE_MODULES.length);
      if (!ArrayPrototypeIncludes(folderList, folder)) folderList[folderList.length] = folder;
      return;
    }
    otherList[otherList.length] = dir;
    below[below.length] = `${dir}/`;
  });
  directories = primordials.freeze(dirs);
  inFolders = found;
  folders = primordials.freeze(folderList);
  others = primordials.freeze(otherList);
  otherPrefixes = primordials.freeze(below);
}

function collect(module: CjsModule | undefined, found: Set<string>, seen: WeakSet<object>): void {
  if (module === undefined || seen.has(module)) return;
  seen.add(module);
  if (typeof module.filename === 'string') {
    const dir = packageDirOf(module.filename);
    if (dir !== null) primordials.SetPrototypeAdd(found, resolveTarget(dir, true));
  }
  const children = module.children ?? [];
  for (let i = 0; i < children.length; i++) collect(children[i], found, seen);
}

/** `/x/node_modules/pkg` or `/x/node_modules/@scope/pkg` for a file inside it; null outside node_modules. */
function packageDirOf(filename: string): string | null {
  const end = packageEnd(filename, StringPrototypeLastIndexOf(filename, NODE_MODULES));
  return end < 0 || end === filename.length ? null : StringPrototypeSlice(filename, 0, end);
}

/**
 * Where the package directory that the `/node_modules/` at `at` in `path` names ends (`pkg` or `@scope/pkg`): the
 * index of the slash after it, or the path's length when the path is that directory; -1 when `at` is -1.
 */
function packageEnd(path: string, at: number): number {
  if (at < 0) return -1;
  const start = at + NODE_MODULES.length;
  let end = StringPrototypeIndexOf(path, '/', start);
  if (end > 0 && path[start] === '@') end = StringPrototypeIndexOf(path, '/', end + 1);
  return end < 0 ? path.length : end;
}

/**
 * The packages this package depends on, and theirs, where Node's lookup finds them: the first `node_modules/<name>`
 * from the depending package's real path up (a pnpm store keeps a package's dependencies beside its real directory).
 * Some load only later, from places without governance's hooks (babel's, in `mltrainer-governance check` and the
 * load-time checker's thread): the module tree alone missed them. Looked up by directory: require.resolve cost
 * about 8 ms.
 */
function addDependencies(found: Set<string>): void {
  const pending = newList<string>();
  pending[0] = resolveTarget(packageRoot, true);
  const expanded = new primordials.SafeSet<string>();
  const folders = new primordials.SafeMap<string, boolean>();
  while (pending.length > 0) {
    const from = pending[pending.length - 1];
    pending.length--;
    if (primordials.SetPrototypeHas(expanded, from)) continue;
    primordials.SetPrototypeAdd(expanded, from);
    const names = dependencyNames(from);
    for (let i = 0; i < names.length; i++) {
      const dir = lookUp(from, names[i], folders);
      if (dir === null) continue;
      const real = resolveTarget(dir, true);
      primordials.SetPrototypeAdd(found, real);
      pending[pending.length] = real;
    }
  }
}

/** The names in a package's `dependencies` and `optionalDependencies`; none when its package.json is unreadable. */
function dependencyNames(dir: string): string[] {
  const names = newList<string>();
  let manifest: { dependencies?: Record<string, unknown>; optionalDependencies?: Record<string, unknown> };
  try {
    manifest = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')) as typeof manifest;
  } catch {
    return names;
  }
  addNames(names, manifest.dependencies);
  addNames(names, manifest.optionalDependencies);
  return names;
}

function addNames(names: string[], group: unknown): void {
  if (group === null || typeof group !== 'object') return;
  const keys = objectKeys(group);
  for (let i = 0; i < keys.length; i++) names[names.length] = keys[i];
}

/**
 * `<dir>/node_modules/<name>` for the first `dir` from `from` up where it exists (Node skips `node_modules/node_modules`).
 * `folders` remembers which directories have a node_modules folder: most packages have none.
 */
function lookUp(from: string, name: string, folders: Map<string, boolean>): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    if (!StringPrototypeEndsWith(dir, '/node_modules')) {
      const folder = `${dir === '/' ? '' : dir}/node_modules`;
      let present = primordials.MapPrototypeGet(folders, folder);
      if (present === undefined) primordials.MapPrototypeSet(folders, folder, (present = existsSync(folder)));
      if (present && existsSync(`${folder}/${name}`)) return `${folder}/${name}`;
    }
    if (dir === '/') return null;
  }
}

/** Whether `target` (resolved) is in one of governance's installed packages. */
export function isOwnFile(target: string): boolean {
  for (let i = 0; i < others.length; i++) {
    if (target === others[i] || StringPrototypeStartsWith(target, otherPrefixes[i])) return true;
  }
  for (let i = 0; i < folders.length; i++) {
    if (StringPrototypeStartsWith(target, folders[i])) return inOwnPackage(target);
  }
  return false;
}

/** Whether a package directory that one of the `/node_modules/` in `target` names is governance's (nested ones too). */
function inOwnPackage(target: string): boolean {
  for (let at = StringPrototypeIndexOf(target, NODE_MODULES); at >= 0; at = StringPrototypeIndexOf(target, NODE_MODULES, at + 1)) {
    if (primordials.SetPrototypeHas(inFolders, StringPrototypeSlice(target, 0, packageEnd(target, at)))) return true;
  }
  return false;
}

/** Governance's installed package directories: a rename or recursive removal may be neither one nor above one. */
export function ownFileAnchors(): readonly string[] {
  return directories;
}
