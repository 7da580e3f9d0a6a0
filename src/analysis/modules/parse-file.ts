// Parses a file for its exports and classes. Project files go through the engine's parser (TypeScript + JSX)
// first, so a file the engine also checks is parsed once (its cache is keyed by content). Published JavaScript
// in node_modules is plain JavaScript and is parsed without the TypeScript plugin (faster, and it keeps
// dependency trees out of the engine's cache). Code either rejects is retried with Flow and `export v from`
// syntax, which Flow projects and older Babel-compiled packages use.
import type { File } from '@babel/types';
import { parsedBefore, parseSource, parseWith } from '../engine/parse';

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
  // The file being checked asks about its own classes and imports: its tree is in the engine's cache.
  const checked = parsedBefore(code, file);
  if (checked) return checked;
  if (TYPESCRIPT_FILE.test(file)) return attempt(() => parseSource(code, file));
  const first = IN_NODE_MODULES.test(file) ? () => parseWith(code, file, []) : () => parseSource(code, file);
  return attempt(first) ?? attempt(() => parseWith(code, file, ['flow', 'jsx', 'exportDefaultFrom', 'decorators-legacy']));
}
