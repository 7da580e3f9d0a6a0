// Glob matching for rule targets. Globs are compiled once, when the rules are loaded.
import picomatch from 'picomatch';

const options = { dot: true, nonegate: true, strictBrackets: true } as const;

/** Why a glob cannot be used, or null when it is fine. */
export function invalidGlobReason(glob: string): string | null {
  if (glob.startsWith('!')) return 'negated globs are not supported; use a deny rule';
  try {
    picomatch.makeRe(glob, options);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** A compiled glob: `**` alone matches every target. */
export function compileGlob(glob: string): RegExp | null {
  if (glob === '**') return null;
  return picomatch.makeRe(glob, options);
}
