// Files read or written in C++ by APIs outside fs: process.loadEnvFile reads an env file (its values
// become process.env), module.enableCompileCache writes compiled code into a directory. Each is decided
// as the file action it amounts to, on the path Node will use, which is what Node is then given.
import Module = require('node:module');
import os = require('node:os');
import nodePath = require('node:path');
import type { GovernanceDeniedError } from '../kernel/errors';
import { primordials } from '../primordials';
import { convertPath, resolveTarget, type PathArgument } from './fs-paths';
import { guardMethod } from './lock';
import { checkCompileCachePlanted } from './internals-diagnostics';
import { checkRead } from './log-files';
import { checkWrite } from './rules-files';

const env = process.env;
const tmpdir = os.tmpdir;
const { resolve } = nodePath;

/** Converts `args[at]` once (Node gets the converted value); null when it is not a path Node accepts. */
function pathArgument(args: unknown[], at: number): string | null {
  const converted: PathArgument = { path: null, value: undefined };
  convertPath(args[at], converted);
  args[at] = converted.value;
  return converted.path;
}

/** process.loadEnvFile(path = '.env'): file_read of the file. */
function decideLoadEnvFile(args: unknown[]): GovernanceDeniedError | null {
  if (args[0] === undefined || args[0] === null) primordials.setElement(args, 0, '.env');
  const path = pathArgument(args, 0);
  return path === null ? null : checkRead(resolveTarget(path, true));
}

const CACHE_FIELDS = ['directory', 'portable'];

/**
 * module.enableCompileCache(dir | { directory, portable }): file_write of the cache directory. Without
 * one Node picks $NODE_COMPILE_CACHE or <tmpdir>/node-compile-cache: picked here instead and passed on.
 */
function decideCompileCache(args: unknown[]): GovernanceDeniedError | null {
  const first = args[0];
  const options = typeof first === 'object' && first !== null ? primordials.ownOptions<{ directory?: unknown }>(first, CACHE_FIELDS) : null;
  const given = options === null ? first : options.directory;
  const directory = given === undefined ? (env.NODE_COMPILE_CACHE || resolve(tmpdir(), 'node-compile-cache')) : given;
  const holder = [directory];
  const path = pathArgument(holder, 0);
  if (options === null) primordials.setElement(args, 0, holder[0]);
  else {
    options.directory = holder[0];
    primordials.setElement(args, 0, options);
  }
  if (path === null) return null;
  const resolved = resolveTarget(path, true);
  return checkWrite(resolved) ?? checkCompileCachePlanted(resolved);
}

export function installNativeFileHooks(): void {
  guardMethod(process as unknown as Record<string, unknown>, 'loadEnvFile', decideLoadEnvFile);
  guardMethod(Module as unknown as Record<string, unknown>, 'enableCompileCache', decideCompileCache);
}
