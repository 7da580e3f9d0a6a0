// Parses a dependency file for its exports. The engine's parser (TypeScript + JSX) comes first, so a file the
// engine also checks is parsed once (its cache is keyed by content); plain JavaScript it rejects is retried with
// Flow and `export v from` syntax, which older Babel-compiled packages and Flow projects use.
import { parse } from '@babel/parser';
import type { File } from '@babel/types';
import { parseSource } from '../engine/parse';

const TYPESCRIPT_FILE = /\.[cm]?tsx?$/i;

function parseAsFlow(code: string, file: string): File {
  return parse(code, {
    sourceType: 'unambiguous',
    sourceFilename: file,
    plugins: ['flow', 'jsx', 'exportDefaultFrom', 'decorators-legacy'],
    errorRecovery: true,
    allowReturnOutsideFunction: true,
    allowAwaitOutsideFunction: true,
    allowImportExportEverywhere: true,
    allowSuperOutsideMethod: true,
    allowUndeclaredExports: true,
  });
}

/** The AST of `code`, or null when neither parser can read it. */
export function parseModuleFile(code: string, file: string): File | null {
  try {
    return parseSource(code, file);
  } catch {
    if (TYPESCRIPT_FILE.test(file)) return null;
  }
  try {
    return parseAsFlow(code, file);
  } catch {
    return null;
  }
}
