// Environment variables that make the dynamic loader put native code into a child, whatever program it runs:
// LD_PRELOAD and LD_AUDIT name libraries loaded into it, LD_LIBRARY_PATH directories searched before the
// system's (a library there replaces one the child expects). Each entry the program adds to what this process
// started with is decided as native_addon: a library or directory by real path (relative to the child's working
// directory, as the loader reads it), a name the loader searches for or one with a $ORIGIN-style token as
// `library:<entry>`. What this process started with came from whoever started it (a container's jemalloc
// preload) and passes as it is.
import type { GovernanceDeniedError } from '../kernel/errors';
import { checkAction } from '../kernel/gate';
import { primordials } from '../primordials';
import { resolveTarget } from './fs-paths';

const { ArrayPrototypeIncludes, StringPrototypeIndexOf, StringPrototypeSlice, StringPrototypeStartsWith } = primordials;

const VARIABLES = ['LD_PRELOAD', 'LD_AUDIT', 'LD_LIBRARY_PATH'];
const SEPARATORS: Record<string, string> = { LD_PRELOAD: ' :\t\n', LD_AUDIT: ':', LD_LIBRARY_PATH: ':;' };
const startup: Record<string, string[]> = {};
for (let i = 0; i < VARIABLES.length; i++) startup[VARIABLES[i]] = entriesOf(process.env[VARIABLES[i]] ?? '', SEPARATORS[VARIABLES[i]]);

function entriesOf(value: string, separators: string): string[] {
  const entries: string[] = [];
  let start = 0;
  for (let i = 0; i <= value.length; i++) {
    if (i < value.length && StringPrototypeIndexOf(separators, value[i]) === -1) continue;
    if (i > start) entries[entries.length] = StringPrototypeSlice(value, start, i);
    start = i + 1;
  }
  return entries;
}

function target(entry: string, cwd: string | undefined): string {
  if (StringPrototypeIndexOf(entry, '/') === -1 || StringPrototypeIndexOf(entry, '$') !== -1) return `library:${entry}`;
  return resolveTarget(entry, true, StringPrototypeStartsWith(entry, '/') ? undefined : cwd);
}

/**
 * Decides the loader variables of a child's environment. Every assignment counts: the loader reads the last of
 * repeated ones, getenv the first.
 */
export function checkLoaderVariables(envPairs: readonly string[], cwd: string | undefined): GovernanceDeniedError | null {
  for (let i = 0; i < envPairs.length; i++) {
    const pair = envPairs[i];
    const equals = StringPrototypeIndexOf(pair, '=');
    const name = equals === -1 ? pair : StringPrototypeSlice(pair, 0, equals);
    if (!ArrayPrototypeIncludes(VARIABLES, name)) continue;
    const entries = entriesOf(StringPrototypeSlice(pair, equals + 1), SEPARATORS[name]);
    for (let j = 0; j < entries.length; j++) {
      if (ArrayPrototypeIncludes(startup[name], entries[j])) continue;
      const denied = checkAction('native_addon', target(entries[j], cwd));
      if (denied !== null) return denied;
    }
  }
  return null;
}
