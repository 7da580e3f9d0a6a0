// Parses JavaScript and TypeScript. Nothing is cached here: a tree kept alive past its file's check is promoted
// to the old generation and marked by every major garbage collection (parsing was about twice as slow with
// the last 64 trees kept). The engine hands the tree of a file being checked to the module index instead.
import { parse, type ParseResult, type ParserPlugin } from '@babel/parser';
import type { File } from '@babel/types';

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
export const JAVASCRIPT_PLUGINS: ParserPlugin[] = ['jsx'];

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

/**
 * Parses `code`; throws the parser's SyntaxError when even error recovery cannot produce a tree. A JavaScript
 * file is read as JavaScript + JSX first; one that does not parse cleanly that way (Flow or TypeScript
 * annotations, decorators) is read with the TypeScript plugin as TypeScript files are.
 */
export function parseSource(code: string, file: string): File {
  if (JAVASCRIPT_FILE.test(file)) {
    try {
      const ast = parseWith(code, file, JAVASCRIPT_PLUGINS);
      if (!ast.errors?.length) return ast;
    } catch {
      // Parsed again below, where a file that cannot be parsed at all throws.
    }
  }
  return parseWith(code, file, pluginsFor(file));
}

