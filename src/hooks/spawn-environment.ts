// Environment variables that make a child act where no hook of its own can see. LD_PRELOAD and LD_AUDIT name
// libraries the dynamic loader puts into it, LD_LIBRARY_PATH directories searched before the system's (a
// library there replaces one the child expects): whatever program it runs. NODE_V8_COVERAGE makes a node
// child write coverage files (with the source maps it read) into a directory, from C++. Each entry the program
// adds to what this process started with is decided: a library or directory as native_addon by real path
// (relative to the child's working directory, as the loader reads it; a name the loader searches for, or one
// with a $ORIGIN-style token, as `library:<entry>`), the coverage directory as file_write. What this process
// started with came from whoever started it (a container's jemalloc preload, a coverage run) and passes.
import type { GovernanceDeniedError } from '../kernel/errors';
import { checkAction } from '../kernel/gate';
import { primordials } from '../primordials';
import { resolveTarget } from './fs-paths';
import { checkWrite } from './rules-files';

const { ArrayPrototypeIncludes, StringPrototypeIndexOf, StringPrototypeSlice, StringPrototypeStartsWith } = primordials;

const VARIABLES = ['LD_PRELOAD', 'LD_AUDIT', 'LD_LIBRARY_PATH', 'NODE_V8_COVERAGE'];
// One entry per separated part; NODE_V8_COVERAGE is one directory (no separator character in it).
const SEPARATORS: Record<string, string> = { LD_PRELOAD: ' :\t\n', LD_AUDIT: ':', LD_LIBRARY_PATH: ':;', NODE_V8_COVERAGE: '' };
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

function libraryTarget(entry: string, cwd: string | undefined): string {
  if (StringPrototypeIndexOf(entry, '/') === -1 || StringPrototypeIndexOf(entry, '$') !== -1) return `library:${entry}`;
  return pathTarget(entry, cwd);
}

function pathTarget(entry: string, cwd: string | undefined): string {
  return resolveTarget(entry, true, StringPrototypeStartsWith(entry, '/') ? undefined : cwd);
}

function checkEntry(name: string, entry: string, cwd: string | undefined): GovernanceDeniedError | null {
  if (name === 'NODE_V8_COVERAGE') return checkWrite(pathTarget(entry, cwd));
  return checkAction('native_addon', libraryTarget(entry, cwd));
}

/**
 * Decides these variables in a child's environment. Every assignment counts: the loader reads the last of
 * repeated ones, getenv the first.
 */
export function checkChildVariables(envPairs: readonly string[], cwd: string | undefined): GovernanceDeniedError | null {
  for (let i = 0; i < envPairs.length; i++) {
    const pair = envPairs[i];
    const equals = StringPrototypeIndexOf(pair, '=');
    const name = equals === -1 ? pair : StringPrototypeSlice(pair, 0, equals);
    if (!ArrayPrototypeIncludes(VARIABLES, name)) continue;
    const entries = entriesOf(StringPrototypeSlice(pair, equals + 1), SEPARATORS[name]);
    for (let j = 0; j < entries.length; j++) {
      if (ArrayPrototypeIncludes(startup[name], entries[j])) continue;
      const denied = checkEntry(name, entries[j], cwd);
      if (denied !== null) return denied;
    }
  }
  return null;
}
