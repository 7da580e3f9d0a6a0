// Generated bundles and minified files: checked for secrets only (unless the run asks for every check).
// Parsing and traversing them costs seconds each (typescript.js: 9 MB, 25 s) and their findings belong to the
// sources they were built from, which are checked in their own right.

/** Longer than this (characters), a JavaScript file is taken for a bundle; hand-written modules rarely come close. */
export const GENERATED_MIN_CHARS = 256 * 1024;
/** Minified code: more characters per line than this on average, in a file of at least MINIFIED_MIN_CHARS characters. */
export const MINIFIED_LINE_LENGTH = 250;
const MINIFIED_MIN_CHARS = 8 * 1024;

function lineCount(code: string): number {
  let lines = 1;
  for (let at = code.indexOf('\n'); at !== -1; at = code.indexOf('\n', at + 1)) lines++;
  return lines;
}

/** Whether `code` looks like a generated bundle or minified file (by size and line length only). */
export function looksGenerated(code: string): boolean {
  if (code.length > GENERATED_MIN_CHARS) return true;
  return code.length >= MINIFIED_MIN_CHARS && code.length / lineCount(code) > MINIFIED_LINE_LENGTH;
}
