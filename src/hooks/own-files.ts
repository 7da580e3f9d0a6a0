// Governance's installed files: its package and the packages of the modules it loaded as it started (picomatch,
// the SQLite driver and its native addon...) and of its declared dependencies. Every governed child starts with this
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
const { newList, objectKeys, StringPrototypeLastIndexOf, StringPrototypeIndexOf, StringPrototypeSlice, StringPrototypeStartsWith } = primordials;

interface CjsModule {
  filename?: unknown;
  children?: CjsModule[];
}

const NODE_MODULES = '/node_modules/';
const packageRoot = resolve(__dirname, '..', '..', '..');
const moduleCache = (Module as unknown as { _cache: Record<string, CjsModule | undefined> })._cache;

/** Resolved package directories, each also as `<dir>/`; empty until activation. */
let directories: readonly string[] = [];
let prefixes: readonly string[] = [];

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
  addDeclaredDependencies(found);
  const dirs = newList<string>();
  const below = newList<string>();
  found.forEach((dir) => {
    dirs[dirs.length] = dir;
    below[below.length] = `${dir}/`;
  });
  directories = primordials.freeze(dirs);
  prefixes = primordials.freeze(below);
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
  const at = StringPrototypeLastIndexOf(filename, NODE_MODULES);
  if (at < 0) return null;
  const start = at + NODE_MODULES.length;
  let end = StringPrototypeIndexOf(filename, '/', start);
  if (end > 0 && filename[start] === '@') end = StringPrototypeIndexOf(filename, '/', end + 1);
  return end < 0 ? null : StringPrototypeSlice(filename, 0, end);
}

/**
 * The packages of this package's `dependencies` where Node's lookup finds them, the first `node_modules/<name>` from
 * the package up (zod is loaded only for a new config). Looked up by directory: require.resolve cost about 8 ms.
 */
function addDeclaredDependencies(found: Set<string>): void {
  let dependencies: Record<string, unknown>;
  try {
    dependencies = (JSON.parse(readFileSync(`${packageRoot}/package.json`, 'utf8')) as { dependencies?: Record<string, unknown> }).dependencies ?? {};
  } catch {
    return;
  }
  const names = objectKeys(dependencies);
  for (let i = 0; i < names.length; i++) {
    for (let dir = packageRoot; ; dir = dirname(dir)) {
      const candidate = `${dir === '/' ? '' : dir}/node_modules/${names[i]}`;
      if (existsSync(candidate)) {
        primordials.SetPrototypeAdd(found, resolveTarget(candidate, true));
        break;
      }
      if (dir === '/') break;
    }
  }
}

/** Whether `target` (resolved) is in one of governance's installed packages. */
export function isOwnFile(target: string): boolean {
  for (let i = 0; i < directories.length; i++) {
    if (target === directories[i] || StringPrototypeStartsWith(target, prefixes[i])) return true;
  }
  return false;
}

/** Governance's installed package directories: a rename or recursive removal may be neither one nor above one. */
export function ownFileAnchors(): readonly string[] {
  return directories;
}
