// Parses a file for its exports and classes (when the engine has no tree of it, see ModuleIndexOptions.treeOf).
// Project files are parsed as the engine parses them. Published JavaScript in node_modules is plain JavaScript and is parsed without the TypeScript plugin, with the JSX plugin all the same:
// the engine's first parser, so V8 optimises one parser class rather than two. Code either rejects is retried
// with Flow and `export v from` syntax, which Flow projects and older Babel-compiled packages use.
import type { File } from '@babel/types';
import { JAVASCRIPT_PLUGINS, parseSource, parseWith } from '../engine/parse';

const TYPESCRIPT_FILE = /\.[cm]?tsx?$/i;
const IN_NODE_MODULES = /[\\/]node_modules[\\/]/;

function attempt(parser: () => File): File | null {
  try {
    return parser();
  } catch {
    return null;
  }
}

/** The AST of `code`, or null when no parser can read it. */
export function parseModuleFile(code: string, file: string): File | null {
  if (TYPESCRIPT_FILE.test(file)) return attempt(() => parseSource(code, file));
  const first = IN_NODE_MODULES.test(file) ? () => parseWith(code, file, JAVASCRIPT_PLUGINS) : () => parseSource(code, file);
  return attempt(first) ?? attempt(() => parseWith(code, file, ['flow', 'jsx', 'exportDefaultFrom', 'decorators-legacy']));
}
