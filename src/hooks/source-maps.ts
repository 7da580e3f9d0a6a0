// With source maps on (--enable-source-maps, process.setSourceMapsEnabled, module.setSourceMapsSupport) or
// NODE_V8_COVERAGE set, Node reads the file a module's `sourceMappingURL` comment names while it compiles the
// module, with an fs function it captured before governance loaded, and hands the parsed JSON to the program
// (module.findSourceMap(file).payload) and to coverage files: a read of any JSON file. Every file such a
// comment could name is decided as file_read before the compile, and a denial refuses the module. Code
// generated from a string (eval, the Function family) names its map the same way, relative to its own
// `sourceURL` comment: decided before the code is generated.
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
const SOURCE_URL = 'sourceURL=';
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
const WHITESPACE = /\s/;
const startEnv = process.env;
interface MapsSupport {
  enabled: boolean;
  nodeModules?: boolean;
  generatedCode?: boolean;
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
  if (!mapsReadFor(filename) || StringPrototypeIndexOf(source, MARK) === -1) return null;
  return decideMaps(source, filename === null ? null : dirname(filename));
}

/**
 * Whether Node would now read map files for the module at `filename` (null: not a file). Asked before the
 * source is searched: maps are usually off, and a search costs about a microsecond per KB of source.
 */
export function mapsReadFor(filename: string | null): boolean {
  const support = supportNow();
  return !skipsModule(support, filename) && mapsActive(support);
}

/**
 * Decides the map files Node reads when it generates code from `code` (eval, the Function family, in any
 * realm): with maps or `generatedCode` maps on, the `sourceMappingURL` comment is resolved against the
 * code's `sourceURL` comment. Every `sourceURL` counts, as every map URL does.
 */
export function checkGeneratedSourceMapReads(code: string): GovernanceDeniedError | null {
  if (StringPrototypeIndexOf(code, MARK) === -1 || StringPrototypeIndexOf(code, SOURCE_URL) === -1) return null;
  const support = supportNow();
  if (!mapsActive(support) && support?.generatedCode !== true) return null;
  return firstDenialAfter(code, SOURCE_URL, (sourceURL) =>
    decideMaps(code, generatedCodeDir(sourceURL)) ?? decideMaps(code, generatedCodeDir(beforeQuote(sourceURL))));
}

function supportNow(): MapsSupport | undefined {
  return getSupport === undefined ? undefined : apply(getSupport, Module, []);
}

/** Every map file a `sourceMappingURL=` in `source` could name, relative to `baseDir`, decided as file_read. */
function decideMaps(source: string, baseDir: string | null): GovernanceDeniedError | null {
  return firstDenialAfter(source, MARK, (value) => decideMap(value, baseDir) ?? decideMap(beforeQuote(value), baseDir));
}

/**
 * Calls `decide` with the text up to the next whitespace after each occurrence of `mark` and returns its first
 * denial. No array is built: a setter the program put on Array.prototype could swap what it holds.
 */
function firstDenialAfter(source: string, mark: string, decide: (value: string) => GovernanceDeniedError | null): GovernanceDeniedError | null {
  for (let at = StringPrototypeIndexOf(source, mark); at !== -1; at = StringPrototypeIndexOf(source, mark, at + mark.length)) {
    let end = at + mark.length;
    while (end < source.length && !RegExpPrototypeTest(WHITESPACE, source[end])) end++;
    const denied = decide(StringPrototypeSlice(source, at + mark.length, end));
    if (denied !== null) return denied;
  }
  return null;
}

/**
 * The directory a generated code's map URL is relative to: that of its `sourceURL`, a file URL or a path
 * (taken from the working directory, as Node does); null for another scheme, whose maps Node does not read.
 */
function generatedCodeDir(sourceURL: string): string | null {
  if (sourceURL === '') return null;
  if (StringPrototypeStartsWith(sourceURL, 'file:')) {
    try {
      return dirname(fileURLToPath(sourceURL));
    } catch {
      return null;
    }
  }
  return RegExpPrototypeTest(SCHEME, sourceURL) ? null : dirname(resolve(sourceURL));
}

function beforeQuote(value: string): string {
  for (let i = 0; i < value.length; i++) if (value[i] === '"' || value[i] === '\'' || value[i] === '`') return StringPrototypeSlice(value, 0, i);
  return value;
}
