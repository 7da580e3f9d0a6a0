// With source maps on (--enable-source-maps, process.setSourceMapsEnabled, module.setSourceMapsSupport) or
// NODE_V8_COVERAGE set, Node reads the file a module's `sourceMappingURL` comment names while it compiles the
// module, with an fs function it captured before governance loaded, and hands the parsed JSON to the program
// (module.findSourceMap(file).payload) and to coverage files: a read of any JSON file. Every file such a
// comment could name is decided as file_read before the compile, and a denial refuses the module.
import Module = require('node:module');
import nodePath = require('node:path');
import nodeUrl = require('node:url');
import { types } from 'node:util';
import type { GovernanceDeniedError } from '../kernel/errors';
import { primordials } from '../primordials';
import { resolveTarget } from './fs-paths';
import { checkRead } from './log-files';

// Captured at load: user code can replace these modules' functions.
const { dirname, resolve } = nodePath;
const { fileURLToPath } = nodeUrl;
const { isProxy } = types;
const { apply, getOwnPropertyDescriptor, RegExpPrototypeTest, StringPrototypeIndexOf, StringPrototypeSlice, StringPrototypeStartsWith } = primordials;
const decodeComponent = globalThis.decodeURIComponent;

const MARK = 'sourceMappingURL=';
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
const WHITESPACE = /\s/;
const startEnv = process.env;
interface MapsSupport {
  enabled: boolean;
  nodeModules?: boolean;
}

const getSupport = (Module as unknown as { getSourceMapsSupport?: () => MapsSupport }).getSourceMapsSupport;
const enabledGetter = getOwnPropertyDescriptor(process, 'sourceMapsEnabled')?.get;

/** Whether Node would read a map file now: the test Node makes, from values it cannot be shown twice. */
function mapsActive(support: MapsSupport | undefined): boolean {
  const env = process.env;
  if (env !== startEnv || isProxy(env)) return true;
  if (env.NODE_V8_COVERAGE) return true;
  if (support !== undefined) return support.enabled === true;
  if (enabledGetter !== undefined) return apply(enabledGetter, process, []) === true;
  return true;
}

/**
 * Node 22+ reads no map of a module under node_modules unless `nodeModules` maps are on (its test is a
 * `/node_modules/` or `\\node_modules\\` in the module's URL; only the first survives the path-to-URL step).
 */
function skipsModule(support: MapsSupport | undefined, filename: string | null): boolean {
  return support !== undefined && support.nodeModules === false && filename !== null && StringPrototypeIndexOf(filename, '/node_modules/') !== -1;
}

/** The file a map URL names, resolved from the module's directory the way a URL resolves; null if none. */
function mapFile(value: string, moduleDir: string | null): string | null {
  if (value === '' || StringPrototypeStartsWith(value, '//')) return null; // another host
  if (StringPrototypeStartsWith(value, 'file:')) {
    try {
      return fileURLToPath(value);
    } catch {
      return null; // Node cannot read it either
    }
  }
  if (RegExpPrototypeTest(SCHEME, value) || moduleDir === null) return null; // data:, http: are not files; nothing is relative to a data: module
  let end = value.length;
  const query = StringPrototypeIndexOf(value, '?');
  const fragment = StringPrototypeIndexOf(value, '#');
  if (query !== -1) end = query;
  if (fragment !== -1 && fragment < end) end = fragment;
  const path = primordials.StringMapChars(StringPrototypeSlice(value, 0, end), '\\', '/');
  try {
    return resolve(moduleDir, decodeComponent(path));
  } catch {
    return resolve(moduleDir, path);
  }
}

function decideMap(value: string, moduleDir: string | null): GovernanceDeniedError | null {
  const file = mapFile(value, moduleDir);
  return file === null ? null : checkRead(resolveTarget(file, true));
}

/**
 * Decides the map files `source` makes Node read when it compiles it as the module at `filename` (null for a
 * module that is not a file, such as a data: URL). Every `sourceMappingURL=` counts, in comments or not: V8
 * reads magic comments by rules of its own.
 */
export function checkSourceMapReads(source: string, filename: string | null): GovernanceDeniedError | null {
  const support = getSupport === undefined ? undefined : apply(getSupport, Module, []);
  if (skipsModule(support, filename)) return null;
  let at = StringPrototypeIndexOf(source, MARK);
  if (at === -1 || !mapsActive(support)) return null;
  const moduleDir = filename === null ? null : dirname(filename);
  for (; at !== -1; at = StringPrototypeIndexOf(source, MARK, at + MARK.length)) {
    let end = at + MARK.length;
    while (end < source.length && !RegExpPrototypeTest(WHITESPACE, source[end])) end++;
    const value = StringPrototypeSlice(source, at + MARK.length, end);
    const denied = decideMap(value, moduleDir) ?? decideMap(beforeQuote(value), moduleDir);
    if (denied !== null) return denied;
  }
  return null;
}

function beforeQuote(value: string): string {
  for (let i = 0; i < value.length; i++) if (value[i] === '"' || value[i] === '\'' || value[i] === '`') return StringPrototypeSlice(value, 0, i);
  return value;
}
