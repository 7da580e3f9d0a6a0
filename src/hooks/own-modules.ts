// Keeps governance's own live modules out of the program's reach. They hold the kernel, the audit writer
// and fs functions captured before the hooks: a program that could call them (`require(<dist>/src/kernel/
// gate.js).startKernel(...)` or `require.cache[...].exports`) would switch governance off. So when
// governance is active they leave require.cache for a private registry, and no Module object of theirs
// stays reachable (a module's `require` is how one is reached: its `parent` links and `children` lists
// are cut too). Governance's own later requires (the audit reader on first use) are recognised by their
// parent, one of these unreachable Module objects, and served from the registry. Anyone else who requires
// one of these files gets a fresh copy, which holds nothing and is governed like any other code.
// Public entries stay as they are: dist/register.js (the frozen API) and dist/src/analysis (the static
// checker, which holds no governance state).
import Module = require('node:module');
import nodePath = require('node:path');
import { primordials } from '../primordials';
import { lockProperty } from './lock';

// Captured at load: user code can replace these modules' functions.
const { resolve } = nodePath;

const { apply, getOwnPropertyDescriptor, objectKeys, MapPrototypeGet, MapPrototypeSet, StringPrototypeStartsWith } = primordials;

interface CjsModule {
  exports: unknown;
  children?: CjsModule[];
}

const moduleCache = (Module as unknown as { _cache: Record<string, CjsModule | undefined> })._cache;
const parentDescriptor = getOwnPropertyDescriptor(Module.prototype, 'parent');
const getParent = parentDescriptor?.get;
const setParent = parentDescriptor?.set;
const weakSetHas = WeakSet.prototype.has;
const weakSetAdd = WeakSet.prototype.add;

const dist = resolve(__dirname, '..', '..');
const INTERNAL = `${dist}/src/`;
const PUBLIC = `${dist}/src/analysis/`;

const registry = new primordials.SafeMap<string, CjsModule>();
const own = new WeakSet<object>();
let sealed = false;

export function isInternalFile(filename: string): boolean {
  return StringPrototypeStartsWith(filename, INTERNAL) && !StringPrototypeStartsWith(filename, PUBLIC);
}

function isOwn(module: unknown): boolean {
  return typeof module === 'object' && module !== null && apply(weakSetHas, own, [module]) as boolean;
}

/** Whether `parent` is one of governance's own modules (always false before sealing). */
export function isOwnParent(parent: unknown): boolean {
  return sealed && isOwn(parent);
}

/** Whether `parent` is one of governance's own modules asking for another (always false before sealing). */
export function isOwnRequest(filename: string, parent: unknown): boolean {
  return isOwnParent(parent) && isInternalFile(filename);
}

/** A module governance is loading for itself joins the own set before its body runs (its requires are own). */
export function adoptIfOwn(module: object, filename: string): void {
  if (sealed && getParent !== undefined && isInternalFile(filename) && isOwn(apply(getParent, module, []))) apply(weakSetAdd, own, [module]);
}

/**
 * One of governance's own requires: the live module, or (first use) the file loaded by `load` and then
 * sealed away. A copy the program loaded or planted under that name is set aside meanwhile and put back.
 */
export function loadOwn(filename: string, load: () => unknown): unknown {
  const live = MapPrototypeGet(registry, filename);
  if (live !== undefined) return live.exports;
  const programCopy = moduleCache[filename];
  delete moduleCache[filename];
  try {
    return load();
  } finally {
    sweep();
    if (programCopy !== undefined) moduleCache[filename] = programCopy;
  }
}

/** Moves every own module out of require.cache and cuts the links that lead to one. */
function sweep(): void {
  const filenames = objectKeys(moduleCache);
  for (let i = 0; i < filenames.length; i++) {
    const filename = filenames[i];
    const entry = moduleCache[filename];
    // Before sealing every internal module is governance's (the preload loaded it); after, only adopted ones.
    if (entry === undefined || !isInternalFile(filename) || (sealed && !isOwn(entry))) continue;
    apply(weakSetAdd, own, [entry]);
    MapPrototypeSet(registry, filename, entry);
    delete moduleCache[filename];
  }
  const remaining = objectKeys(moduleCache);
  for (let i = 0; i < remaining.length; i++) cutLinks(moduleCache[remaining[i]]);
}

function cutLinks(entry: CjsModule | undefined): void {
  if (entry === undefined) return;
  if (getParent !== undefined && setParent !== undefined && isOwn(apply(getParent, entry, []))) apply(setParent, entry, [undefined]);
  const children = entry.children;
  if (children === undefined) return;
  let kept = 0;
  for (let i = 0; i < children.length; i++) if (!isOwn(children[i])) children[kept++] = children[i];
  children.length = kept;
}

/** Seals the modules loaded so far (everything the preload loaded). Once, at the end of activation. */
export function sealOwnModules(): void {
  if (sealed) return;
  sweep();
  sealed = true;
  // Node reads Module._cache on every load: a program that replaced it could hand governance its own copies. It is
  // the governed view of moduleCache by now (modules.ts), which decides builtin names Node looks up in it.
  lockProperty(Module, '_cache', (Module as unknown as { _cache: unknown })._cache);
}
