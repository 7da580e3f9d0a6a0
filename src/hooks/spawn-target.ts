// What a spawn runs: the executable resolved the way the OS would (PATH of the child's environment,
// relative names against the child's cwd), and for a shell's `-c` command, its first word.
import fs = require('node:fs');
import nodePath = require('node:path');
import { primordials } from '../primordials';

// Captured at load: user code can replace these modules' functions.
const { resolve } = nodePath;

const { RegExpPrototypeExec, RegExpPrototypeTest, StringMapChars, StringPrototypeIndexOf, StringPrototypeLastIndexOf, StringPrototypeSlice, StringSplit, StringPrototypeToLowerCase } = primordials;
const accessSync = fs.accessSync;
const statSync = fs.statSync;
const cwdNow = process.cwd;
const { X_OK, S_IFMT, S_IFREG } = fs.constants;
const OwnError = Error;
/** libc's default search path when the environment has no PATH. */
const DEFAULT_PATH = '/usr/bin:/bin';
const SHELLS = ['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'fish', 'csh', 'tcsh', 'cmd.exe', 'cmd', 'powershell', 'powershell.exe', 'pwsh'];
const WORD = /^[^\s;&|<>()`]+/;
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
const QUOTES = '"\'\\';
const LEADING = /^[\s({!]+/;
/** Words that run the following word as the command. */
const PREFIXES = ['exec', 'command', 'builtin', 'nohup', 'time'];

/** Absolute path of what `file` runs as; the bare name when PATH has no match (the spawn then fails ENOENT). */
export function resolveExecutable(file: string, searchPath: string | undefined, cwd: string | undefined): string {
  const base = cwd === undefined ? cwdNow() : resolve(cwdNow(), cwd);
  if (StringPrototypeIndexOf(file, '/') >= 0) return resolve(base, file);
  const dirs = StringSplit(searchPath === undefined ? DEFAULT_PATH : searchPath, ':');
  for (let i = 0; i < dirs.length; i++) {
    const candidate = resolve(base, dirs[i], file);
    if (isExecutableFile(candidate)) return candidate;
  }
  return file;
}

function isExecutableFile(path: string): boolean {
  const savedLimit = OwnError.stackTraceLimit;
  OwnError.stackTraceLimit = 0;
  try {
    const stats = statSync(path, { throwIfNoEntry: false });
    if (stats === undefined || (stats.mode & S_IFMT) !== S_IFREG) return false;
    accessSync(path, X_OK);
    return true;
  } catch {
    return false;
  } finally {
    OwnError.stackTraceLimit = savedLimit;
  }
}

export function isShell(executable: string): boolean {
  const name = StringPrototypeToLowerCase(StringPrototypeSlice(executable, StringPrototypeLastIndexOf(executable, '/') + 1));
  return primordials.ArrayPrototypeIncludes(SHELLS, name);
}

/** The command string of `sh -c CMD` (also `-lc`, `-ec`, cmd.exe `/c`), or null when the shell runs no -c command. */
export function shellCommand(args: readonly string[]): string | null {
  for (let i = 1; i < args.length - 1; i++) {
    const arg = args[i];
    if (arg === '--') return null;
    const lower = StringPrototypeToLowerCase(arg);
    if (lower === '/c' || lower === '-command' || (arg[0] === '-' && arg[1] !== '-' && StringPrototypeIndexOf(arg, 'c') > 0)) return args[i + 1];
    if (arg[0] !== '-' && arg[0] !== '/') return null;
  }
  return null;
}

/** The program a shell command line starts with, skipping `VAR=value` assignments and `exec`-like prefixes. */
export function firstCommandWord(command: string): string | null {
  let rest = withoutLeading(command);
  for (;;) {
    const match = RegExpPrototypeExec(WORD, rest);
    if (match === null) return null;
    const word = StringMapChars(match[0], QUOTES, '');
    rest = withoutLeading(StringPrototypeSlice(rest, match[0].length));
    if (RegExpPrototypeTest(ASSIGNMENT, word) || primordials.ArrayPrototypeIncludes(PREFIXES, word)) continue;
    return word === '' ? null : word;
  }
}

function withoutLeading(text: string): string {
  const leading = RegExpPrototypeExec(LEADING, text);
  return leading === null ? text : StringPrototypeSlice(text, leading[0].length);
}
