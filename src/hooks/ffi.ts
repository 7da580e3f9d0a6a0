// node:ffi (Node 26, no flag needed) opens shared libraries and calls their functions, and reads and writes raw
// memory: native code with every syscall, past every other hook. Opening a library (`dlopen`, `new
// DynamicLibrary`) is decided as native_addon of it: its real path, `library:<name>` for a name the loader
// searches for, `library:<this process>` for the process's own symbols (libc's included). Every other
// function of the module (raw memory reads and writes, pointers, exports of memory to JavaScript) is
// native_addon of `ffi:memory`: a write to any address can undo any hook.
import type { GovernanceDeniedError } from '../kernel/errors';
import { checkAction } from '../kernel/gate';
import { primordials } from '../primordials';
import { convertPath, libraryTarget, type PathArgument } from './fs-paths';
import { guardConstructor, guardMethod } from './lock';
import { loadBuiltinQuietly } from './quiet-builtin';

const { objectKeys, setElement } = primordials;
const OPENERS = ['dlopen', 'DynamicLibrary'];

/**
 * The library argument is read once and written back as an own element: an omitted one would otherwise reach an
 * accessor the program put on Array.prototype, which could answer the check with one path and Node with another.
 */
function decideLibrary(args: unknown[]): GovernanceDeniedError | null {
  const library = args[0];
  setElement(args, 0, library);
  if (library === null || library === undefined) return checkAction('native_addon', 'library:<this process>');
  const converted: PathArgument = { path: null, value: undefined };
  convertPath(library, converted);
  if (converted.path === null) return null; // Node rejects it
  setElement(args, 0, converted.value);
  return checkAction('native_addon', libraryTarget(converted.path));
}

export function installFfiHooks(): void {
  const ffi = loadBuiltinQuietly<Record<string, unknown>>('node:ffi');
  if (ffi === null) return;
  guardConstructor(ffi, 'DynamicLibrary', decideLibrary);
  guardMethod(ffi, 'dlopen', decideLibrary);
  const names = objectKeys(ffi);
  for (let i = 0; i < names.length; i++) {
    if (primordials.ArrayPrototypeIncludes(OPENERS, names[i]) || typeof ffi[names[i]] !== 'function') continue;
    guardMethod(ffi, names[i], () => checkAction('native_addon', 'ffi:memory'));
  }
}
