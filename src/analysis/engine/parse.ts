// Parses JavaScript and TypeScript once per distinct content, with a bounded cache keyed by a content hash.
import { createHash } from 'node:crypto';
import { parse, type ParseResult, type ParserPlugin } from '@babel/parser';
import type { File } from '@babel/types';

const CACHE_LIMIT = 64;
const cache = new Map<string, File>();

const JS_EXTENSIONS = /\.(?:[cm]?[jt]sx?)$/i;
const DECLARATION_FILE = /\.d\.[cm]?ts$/i;
// `<T>value` casts are valid in .ts but clash with JSX, so plain TypeScript files parse without it.
const TS_WITHOUT_JSX = /\.[cm]?ts$/i;

/** Whether the AST checks apply to this path (JavaScript and TypeScript sources, not declaration files). */
export function isParsable(file: string): boolean {
  return JS_EXTENSIONS.test(file) && !DECLARATION_FILE.test(file);
}

const JAVASCRIPT_FILE = /\.[cm]?jsx?$/i;
/** Plain JavaScript (and JSX): about a third faster to parse than with the TypeScript plugin. */
const JAVASCRIPT_PLUGINS: ParserPlugin[] = ['jsx'];

function pluginsFor(file: string): ParserPlugin[] {
  const plugins: ParserPlugin[] = ['typescript', 'decorators'];
  if (!TS_WITHOUT_JSX.test(file)) plugins.push('jsx');
  return plugins;
}

/** Babel's parser with the lenient options every check uses (error recovery, module syntax anywhere). */
export function parseWith(code: string, file: string, plugins: ParserPlugin[]): ParseResult<File> {
  return parse(code, {
    sourceType: 'unambiguous',
    sourceFilename: file,
    plugins,
    errorRecovery: true,
    allowReturnOutsideFunction: true,
    allowAwaitOutsideFunction: true,
    allowImportExportEverywhere: true,
    allowSuperOutsideMethod: true,
    allowUndeclaredExports: true,
    // No check reads comments from nodes; not attaching them saves parse time.
    attachComment: false,
  });
}

function cacheKey(code: string, plugins: readonly ParserPlugin[]): string {
  return createHash('sha256').update(plugins.join(',')).update('\0').update(code).digest('base64');
}

/** The tree parseSource made of `code` as `file`, if it is still cached (the module index reuses it). */
export function parsedBefore(code: string, file: string): File | undefined {
  return cache.get(cacheKey(code, pluginsFor(file)));
}

/**
 * A JavaScript file is read as JavaScript + JSX first; one that does not parse cleanly that way (Flow or
 * TypeScript annotations, decorators) is read with the TypeScript plugin as TypeScript files are.
 */
function parseFile(code: string, file: string, plugins: ParserPlugin[]): File {
  if (JAVASCRIPT_FILE.test(file)) {
    try {
      const ast = parseWith(code, file, JAVASCRIPT_PLUGINS);
      if (!ast.errors?.length) return ast;
    } catch {
      // Parsed again below, where a file that cannot be parsed at all throws.
    }
  }
  return parseWith(code, file, plugins);
}

/** Parses `code`; throws the parser's SyntaxError when even error recovery cannot produce a tree. */
export function parseSource(code: string, file: string): File {
  const plugins = pluginsFor(file);
  const key = cacheKey(code, plugins);
  const cached = cache.get(key);
  if (cached) return cached;
  const ast = parseFile(code, file, plugins);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, ast);
  return ast;
}
