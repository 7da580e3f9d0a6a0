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
/** libc's default search path when the environment has no PATH. */
const DEFAULT_PATH = '/usr/bin:/bin';
const WINDOWS_SHELLS = ['cmd.exe', 'cmd', 'powershell', 'powershell.exe', 'pwsh'];
// rbash is Debian's link to bash (restricted, but a `NODE_OPTIONS=` assignment still works); a shell under any other
// name is told by its real path (`RealWord`).
const POSIX_SHELLS = ['sh', 'bash', 'rbash', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'fish', 'csh', 'tcsh'];
const WORD = /^[^\s;&|<>()`]+/;
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
const QUOTES = '"\'\\';
const LEADING = /^[\s({!]+/;
/** Words that run the following word as the command. */
const PREFIXES = ['exec', 'command', 'builtin', 'nohup', 'time'];
const SEPARATORS = /^[\s;&|<>()`]+/;
/** `env` options that take no argument and leave the environment as it is, and those that take one. */
const ENV_FLAGS = ['-0', '--null', '-v', '--debug', '--'];
const ENV_WITH_ARGUMENT = ['-u', '--unset', '-C', '--chdir'];
/** Where environmentOverride is in a command line: at a program word, in `env`'s or `exec`'s options, or done. */
const WORD_STATE = { program: 0, envOptions: 1, envArgument: 2, execOptions: 3, execArgument: 4, refused: 5 } as const;
type WordState = (typeof WORD_STATE)[keyof typeof WORD_STATE];

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
  const savedLimit = primordials.quietErrors();
  try {
    const stats = statSync(path, { throwIfNoEntry: false });
    if (stats === undefined || (stats.mode & S_IFMT) !== S_IFREG) return false;
    accessSync(path, X_OK);
    return true;
  } catch (error) {
    primordials.rethrowUnlessSystemError(error);
    return false;
  } finally {
    primordials.restoreErrors(savedLimit);
  }
}

export function isShell(executable: string): boolean {
  return primordials.ArrayPrototypeIncludes(POSIX_SHELLS, baseName(executable)) || isWindowsShell(executable);
}

/** shellCommand's answer when a shell's arguments are not understood: an option could hide the -c command. */
export const NOT_UNDERSTOOD: unique symbol = Symbol('shell arguments not understood');
/** POSIX shell option letters that take no argument (sh, bash, dash, ksh, zsh); `o` and `O` take one. */
const FLAG_LETTERS = 'abcefhiklmnprstuvxBCEHP';
const LONG_FLAGS = ['--norc', '--noprofile', '--login', '--posix', '--verbose', '--restricted', '--noediting', '--debugger', '--version', '--help'];
const LONG_WITH_ARGUMENT = ['--rcfile', '--init-file'];

/**
 * The command string of `sh -c CMD`: the first operand after the options, wherever `c` is among them (`-ec CMD`,
 * `-c -e CMD`, `-o errexit -c CMD`, `+O extglob -c CMD`); cmd.exe `/c`, PowerShell `-command`. Null when the shell
 * runs no -c command (a script file, standard input); NOT_UNDERSTOOD when an option is not one this knows.
 */
export function shellCommand(executable: string, args: readonly string[]): string | null | typeof NOT_UNDERSTOOD {
  if (isWindowsShell(executable)) return windowsCommand(args);
  let command = false;
  let i = 1;
  for (; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--' || arg === '-') {
      i++;
      break;
    }
    if (arg[0] !== '-' && arg[0] !== '+') break;
    const taken = optionArguments(arg);
    if (taken < 0) return NOT_UNDERSTOOD;
    if (arg[0] === '-' && arg[1] !== '-' && StringPrototypeIndexOf(arg, 'c') > 0) command = true;
    i += taken;
  }
  return command && i < args.length ? args[i] : null;
}

/**
 * Whether a POSIX shell runs start-up files: `rcfile` when its options name one (`--rcfile`, `--init-file`), `login`
 * for a login or interactive shell (`-l`, `--login`, `-i`, or an argv[0] starting with `-`, as `exec -a -bash` and
 * the `argv0` spawn option give it), which reads `~/.profile`, `~/.bashrc`, `$ENV`; null for neither.
 */
export function shellStartupFiles(args: readonly string[]): 'rcfile' | 'login' | null {
  let login = args.length > 0 && `${args[0]}`[0] === '-';
  for (let i = 1; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--' || arg === '-' || (arg[0] !== '-' && arg[0] !== '+')) break;
    if (primordials.ArrayPrototypeIncludes(LONG_WITH_ARGUMENT, arg)) return 'rcfile';
    login ||= isLoginOption(arg);
    const taken = optionArguments(arg);
    if (taken > 0) i += taken;
  }
  return login ? 'login' : null;
}

/** How many arguments follow `option` (one per `o`/`O` letter, one for --rcfile); -1 for an option not known here. */
function optionArguments(option: string): number {
  if (option[1] === '-') return primordials.ArrayPrototypeIncludes(LONG_WITH_ARGUMENT, option) ? 1 : primordials.ArrayPrototypeIncludes(LONG_FLAGS, option) ? 0 : -1;
  let taken = 0;
  for (let i = 1; i < option.length; i++) {
    if (option[i] === 'o' || option[i] === 'O') taken++;
    else if (StringPrototypeIndexOf(FLAG_LETTERS, option[i]) < 0) return -1;
  }
  return taken;
}

function isWindowsShell(executable: string): boolean {
  return primordials.ArrayPrototypeIncludes(WINDOWS_SHELLS, baseName(executable));
}

function baseName(executable: string): string {
  return StringPrototypeToLowerCase(StringPrototypeSlice(executable, StringPrototypeLastIndexOf(executable, '/') + 1));
}

function windowsCommand(args: readonly string[]): string | null {
  for (let i = 1; i < args.length - 1; i++) {
    const lower = StringPrototypeToLowerCase(args[i]);
    if (lower === '/c' || lower === '-command' || lower === '-c') return args[i + 1];
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

/**
 * What in a shell command line would start a program without the variables governance gives it (names starting with
 * one of `prefixes`): an assignment to one (`NAME=value`, `NAME+=value`, `${NAME:=value}`), or one named after a word
 * that changes a variable (`unset NAME`, `export -n NAME`, `env -u NAME`, `read NAME`, `for NAME in`,
 * `printf -v NAME`...); `env -i`, or an `env` option not known here (`-S` splits a string into more words); `exec -c`.
 * Anywhere in the line: a later command, and a shell it starts, inherit them too. Null when there is none. What the
 * shell computes as it runs (a name built from `$VAR`, `eval`, sourced files) is not seen.
 */
export function environmentOverride(command: string, prefixes: readonly string[], realWord: RealWord = sameWord): string | null {
  // As the shell reads the name: a backslash-newline is removed (`NODE_OPT\<newline>IONS=`), and so are quotes
  // (`NODE_OPT""IONS=`, `unset NODE_OPT\IONS`).
  const words = StringMapChars(withoutLineContinuations(command), QUOTES, '');
  return changedVariable(words, prefixes, false) ?? clearingOption(command, realWord) ?? startupFileWord(words);
}

/** Where a login or interactive shell finds the start-up files it runs: `~/.profile`, `~/.bashrc`, `$ENV`, `$ZDOTDIR/.zshrc`. */
export const SHELL_FILE_VARIABLES: readonly string[] = ['HOME', 'ENV', 'ZDOTDIR'];
const STARTUP_FILE_OPTIONS = ['--rcfile', '--init-file'];
const WORD_BREAKS = ';&|<>()`\t\n\r';

/** `-l`, `-i` (also in a cluster: `-lc`, `-ic`) or `--login`: a shell option that makes it run start-up files. */
function isLoginOption(word: string): boolean {
  if (word === '--login') return true;
  if (word.length < 2 || word[0] !== '-' || word[1] === '-') return false;
  return StringPrototypeIndexOf(word, 'l') > 0 || StringPrototypeIndexOf(word, 'i') > 0;
}

/**
 * In a shell command (quotes removed): a start-up file named to a nested shell (`bash --rcfile ok/rc -ic ...`), or
 * HOME, ENV or ZDOTDIR changed in a line that also has a login or interactive option (`HOME=ok bash -lc ...`; an
 * `ls -l` in such a line is refused too). Null when neither.
 */
function startupFileWord(words: string): string | null {
  const list = StringSplit(StringMapChars(words, WORD_BREAKS, ' '), ' ');
  let login = false;
  for (let i = 0; i < list.length; i++) {
    if (primordials.ArrayPrototypeIncludes(STARTUP_FILE_OPTIONS, list[i])) return list[i];
    login ||= isLoginOption(list[i]);
  }
  if (!login) return null;
  for (let i = 0; i < SHELL_FILE_VARIABLES.length; i++) {
    const changed = changedVariable(words, [SHELL_FILE_VARIABLES[i]], true);
    if (changed !== null) return changed;
  }
  return null;
}

/**
 * What a program word runs as: the real path of a word that names a file by path (a link the program made to
 * `/bin/sh` or `/usr/bin/env` under another name), else the word. Bare names are told by name.
 */
export type RealWord = (word: string) => string;
const sameWord: RealWord = (word) => word;

function withoutLineContinuations(command: string): string {
  let out = '';
  for (let i = 0; i < command.length; i++) {
    if (command[i] === '\\' && command[i + 1] === '\n') i++;
    else out += command[i];
  }
  return out;
}

/** Words after which a name is a variable the command changes (shell builtins, and env's and export's options). */
const CHANGING_WORDS = [
  'unset', 'export', 'declare', 'typeset', 'readonly', 'local', 'read', 'for', 'select', 'printf', 'getopts',
  'mapfile', 'readarray', 'let', 'coproc', 'eval', '-u', '--unset',
];
/** Characters that end a simple command (or open a nested one). */
const COMMAND_ENDS = ';&|\n(`';
const NAME_CHAR = /^[A-Za-z0-9_]$/;

/** With `exact`, only the variables named in `prefixes` themselves (not longer names starting so). */
function changedVariable(command: string, prefixes: readonly string[], exact: boolean): string | null {
  for (let p = 0; p < prefixes.length; p++) {
    for (let at = StringPrototypeIndexOf(command, prefixes[p]); at >= 0; at = StringPrototypeIndexOf(command, prefixes[p], at + 1)) {
      const before = at === 0 ? '' : command[at - 1];
      const attachedUnset = at >= 2 && StringPrototypeSlice(command, at - 2, at) === '-u';
      if (before === '$' || (isNameChar(before) && !attachedUnset)) continue; // a read, or part of another name
      let end = at;
      while (end < command.length && isNameChar(command[end])) end++;
      const name = StringPrototypeSlice(command, at, end);
      if (exact && name !== prefixes[p]) continue;
      // `BASH_FUNC_node%%=` (or `()=`) is how env exports a bash function.
      const suffix = StringPrototypeSlice(command, end, end + 3);
      const assigns = command[end] === '=' || ((command[end] === '+' || command[end] === ':') && command[end + 1] === '=') || suffix === '%%=' || suffix === '()=';
      if (before === '{') {
        if (assigns) return `${name}=`; // ${NAME:=value}, ${NAME=value}
        continue; // ${NAME}, ${NAME:-value}
      }
      if (assigns) return `${name}=`;
      if (attachedUnset || followsChangingWord(command, at)) return name;
    }
  }
  return null;
}

function isNameChar(c: string): boolean {
  return c !== '' && RegExpPrototypeTest(NAME_CHAR, c);
}

/** Whether a word of CHANGING_WORDS comes before `at` in its simple command. */
function followsChangingWord(command: string, at: number): boolean {
  let start = at;
  while (start > 0 && StringPrototypeIndexOf(COMMAND_ENDS, command[start - 1]) < 0) start--;
  const words = StringSplit(StringMapChars(StringPrototypeSlice(command, start, at), '\t=', ' '), ' ');
  for (let i = 0; i < words.length; i++) if (primordials.ArrayPrototypeIncludes(CHANGING_WORDS, words[i])) return true;
  return false;
}

/** `env -i` (or an `env` option not known here) or `exec -c`: the word, or null. */
function clearingOption(command: string, realWord: RealWord): string | null {
  let rest = command;
  let state: WordState = WORD_STATE.program;
  for (;;) {
    const separators = RegExpPrototypeExec(SEPARATORS, rest);
    if (separators !== null) rest = StringPrototypeSlice(rest, separators[0].length);
    const match = RegExpPrototypeExec(WORD, rest);
    if (match === null) return null;
    rest = StringPrototypeSlice(rest, match[0].length);
    const word = StringMapChars(match[0], QUOTES, '');
    state = nextState(state, state === WORD_STATE.program ? realWord(word) : word);
    if (state === WORD_STATE.refused) return word;
  }
}

/** Programs that start what follows them with a fresh environment when given one of these options. */
const RESETTING: Record<string, readonly string[]> = { __proto__: null, setpriv: ['--reset-env'], su: ['-', '-l', '--login'], runuser: ['-', '-l', '--login'] } as unknown as Record<string, readonly string[]>;
/** Programs that run a `-c` command through a shell (su and runuser through the user's, script and flock through $SHELL, sg through sh). */
const COMMAND_RUNNERS = ['su', 'runuser', 'script', 'flock', 'sg'];
/** Programs that run their command operand through `sh -c` with or without a `-c` option (`sg <group> <command>`). */
const OPERAND_RUNNERS = ['sg'];

/**
 * The same for a program started directly, word by word (an argument is one word, whatever it holds): `env -i`, an
 * `env` option not known here, and `env`'s `-u NAME` or `NAME=value` for a variable starting with one of `prefixes`,
 * also when another program runs env (`nice env -i node`, `timeout 5 env -u NODE_OPTIONS node`); a shell's `-c`
 * command behind another program (`nice sh -c 'NODE_OPTIONS= node ...'`, `su root -c ...`), read as a shell command
 * is; and an option that resets the environment (`setpriv --reset-env`, `su -l`). Null when none.
 */
export function argvOverride(executable: string, args: readonly string[], prefixes: readonly string[], realWord: RealWord = sameWord): string | null {
  const program = realWord(executable);
  let state = nextState(WORD_STATE.program, program);
  let unsetting = false;
  let runsCommands = runsCommand(program) || runsCommand(executable);
  let resets: readonly string[] = resettingOptions(program);
  let shellFiles: string | null = null;
  let login = false;
  let operandCommands = runsOperand(program) || runsOperand(executable);
  for (let i = 1; i < args.length; i++) {
    const word = `${args[i]}`;
    const name = unsetting ? word : state === WORD_STATE.envOptions ? envOptionName(word) : null;
    if (name !== null && startsWithAny(name, prefixes)) return name;
    if (name !== null && primordials.ArrayPrototypeIncludes(SHELL_FILE_VARIABLES, name)) shellFiles = name;
    if (primordials.ArrayPrototypeIncludes(resets, word)) return word;
    if (runsCommands && primordials.ArrayPrototypeIncludes(STARTUP_FILE_OPTIONS, word)) return word;
    login ||= runsCommands && isLoginOption(word);
    if (login && shellFiles !== null) return shellFiles;
    if ((runsCommands && isCommandOption(`${args[i - 1]}`)) || operandCommands) {
      const override = environmentOverride(word, prefixes, realWord);
      if (override !== null) return override;
    }
    unsetting = state === WORD_STATE.envOptions && (word === '-u' || word === '--unset');
    const real = state === WORD_STATE.program ? realWord(word) : word;
    state = nextState(state, real);
    if (state === WORD_STATE.refused) return word;
    // By either name: sg is a link to newgrp, which reads its name.
    runsCommands ||= runsCommand(real) || runsCommand(word);
    operandCommands ||= runsOperand(real) || runsOperand(word);
    if (resettingOptions(real).length > 0) resets = resettingOptions(real);
  }
  return null;
}

function runsCommand(word: string): boolean {
  return isShell(word) || primordials.ArrayPrototypeIncludes(COMMAND_RUNNERS, baseName(word));
}

function runsOperand(word: string): boolean {
  return primordials.ArrayPrototypeIncludes(OPERAND_RUNNERS, baseName(word));
}

function resettingOptions(word: string): readonly string[] {
  return RESETTING[baseName(word)] ?? [];
}

/** `-c`, `-ec`, `--command`: the option after which a shell (or su) takes its command. */
function isCommandOption(word: string): boolean {
  if (word === '--command') return true;
  return word.length >= 2 && word[0] === '-' && word[1] !== '-' && StringPrototypeIndexOf(word, 'c') > 0;
}

/** The variable an `env` word sets (`NAME=value`) or unsets (`-uNAME`, `--unset=NAME`), or null. */
function envOptionName(word: string): string | null {
  if (isEnvAssignment(word)) return StringPrototypeSlice(word, 0, StringPrototypeIndexOf(word, '='));
  if (StringPrototypeIndexOf(word, '--unset=') === 0) return StringPrototypeSlice(word, 8);
  if (word[0] === '-' && word[1] === 'u' && word.length > 2) return StringPrototypeSlice(word, 2);
  return null;
}

function startsWithAny(name: string, prefixes: readonly string[]): boolean {
  for (let i = 0; i < prefixes.length; i++) if (StringPrototypeIndexOf(name, prefixes[i]) === 0) return true;
  return false;
}

/** env sets every argument with an `=` (not first) as a variable, whatever its name (`BASH_FUNC_node%%=...`). */
function isEnvAssignment(word: string): boolean {
  return word[0] !== '-' && StringPrototypeIndexOf(word, '=') > 0;
}

/** Follows `env` and `exec` through their options, to what clears the environment. */
function nextState(state: WordState, word: string): WordState {
  if (state === WORD_STATE.envArgument) return WORD_STATE.envOptions;
  if (state === WORD_STATE.execArgument) return WORD_STATE.execOptions;
  if (state === WORD_STATE.envOptions && (word[0] === '-' || isEnvAssignment(word))) return envOption(word);
  if (state === WORD_STATE.execOptions && word[0] === '-') {
    if (StringPrototypeIndexOf(word, 'c') > 0) return WORD_STATE.refused; // exec -c: an empty environment
    return word === '-a' ? WORD_STATE.execArgument : WORD_STATE.execOptions;
  }
  const name = StringPrototypeSlice(word, StringPrototypeLastIndexOf(word, '/') + 1);
  if (name === 'env') return WORD_STATE.envOptions;
  return word === 'exec' ? WORD_STATE.execOptions : WORD_STATE.program;
}

function envOption(word: string): WordState {
  if (word[0] !== '-' || primordials.ArrayPrototypeIncludes(ENV_FLAGS, word)) return WORD_STATE.envOptions;
  if (primordials.ArrayPrototypeIncludes(ENV_WITH_ARGUMENT, word)) return WORD_STATE.envArgument;
  const isLong = word[1] === '-';
  const attached = isLong ? StringPrototypeIndexOf(word, '--unset=') === 0 || StringPrototypeIndexOf(word, '--chdir=') === 0 : word[1] === 'u' || word[1] === 'C';
  // -i, --ignore-environment and a lone `-` clear the environment; anything else is not known here.
  return attached ? WORD_STATE.envOptions : WORD_STATE.refused;
}
