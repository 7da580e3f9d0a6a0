// Governs every way of starting a process. All async routes (spawn, exec, execFile, fork,
// ChildProcess#spawn, a raw Process handle) end in the Process handle's `spawn`; all sync routes
// (spawnSync, execSync, execFileSync) end in the spawn_sync binding's `spawn`. The check sits on those
// two choke points; the public wrappers only swap Node's placeholder error for the denial.
// process.execve, which replaces this process, is decided in its own wrapper.
import childProcess = require('node:child_process');
import fs = require('node:fs');
import os = require('node:os');
import { EventEmitter } from 'node:events';
import nodeUtil = require('node:util');
import { checkAction, kernelLevel } from '../kernel/gate';
import { blocks } from '../kernel/level';
import type { GovernanceDeniedError } from '../kernel/errors';
import { isOwnSpawn } from '../kernel/own-work';
import { primordials } from '../primordials';
import { CHILD_VARIABLE_PREFIXES, governanceVariables, NODE_OPTIONS, PRELOAD, PRELOAD_OPTION } from './child-governance';
import { childFlag, flagsInArgs, flagsInWords, isNodeExecutable } from './spawn-flags';
import { checkChildVariables, checkShellStartupVariables } from './spawn-environment';
import { argvOverride, environmentOverride, firstCommandWord, isShell, NOT_UNDERSTOOD, type RealWord, resolveExecutable, shellCommand, shellStartupFiles } from './spawn-target';
import { cString, convertPath, type PathArgument } from './fs-paths';
import { checkForeignDescriptor } from './fs-descriptors';
import { refuseBypass } from './internals-bypass';
import { governChildSignals } from './internals';
import { lockProperty, shapeLike } from './lock';

// Captured at load: user code can replace these modules' functions.
const { getSystemErrorMap } = nodeUtil;

const { apply, defineProperty, getPrototypeOf, hasOwn, isArray, newList, objectKeys, ownOptions, setElement, stringList, ArrayPrototypePush, ArrayPrototypeSlice, StringPrototypeIndexOf, StringPrototypeStartsWith, StringPrototypeSlice, StringPrototypeToUpperCase } = primordials;
const emit = EventEmitter.prototype.emit;
const env = process.env;
const realpathNative = fs.realpathSync.native;
const realNode = realpathNative(process.execPath);
/** What a shell's command or env's words may not change for a child: governance's variables, and bash's hidden code (BASH_ENV, exported functions, PS4). */
const CHANGED_VARIABLE_PREFIXES: readonly string[] = CHILD_VARIABLE_PREFIXES.concat(['BASH_ENV', 'BASH_FUNC_', 'PS4']);
/**
 * Node 22.14+ can start without its SIGUSR1 handler. A governed process holds SIGUSR1 only from activation on
 * (internals.ts), and a node child opened its inspector to a signal sent in the moments before its preload ran (an
 * allowed `kill` looping on its pid, until 2026-11-23). Given only to children of this very binary: older nodes refuse the flag.
 */
const DISABLE_SIGUSR1 = process.allowedNodeEnvironmentFlags.has('--disable-sigusr1') ? '--disable-sigusr1' : null;

/** libuv's EACCES: returned to Node's own code in place of a real spawn so it takes its error path. */
const UV_EACCES = findErrno('EACCES');

function findErrno(name: string): number {
  for (const [code, [errorName]] of getSystemErrorMap()) if (errorName === name) return code;
  throw new Error(`governance: libuv error code ${name} not found`);
}

// The denial of the spawn that is running now, for the public wrapper to surface in place of EACCES.
let pendingDenial: GovernanceDeniedError | null = null;

interface SpawnOptions {
  file?: unknown;
  args?: unknown;
  envPairs?: unknown;
  cwd?: unknown;
  stdio?: unknown;
  killSignal?: unknown;
}

const SIGNALS = os.constants.signals as Record<string, number>;
const SIGUSR1 = SIGNALS.SIGUSR1;

// Every field the native spawn reads (process_wrap and spawn_sync).
const NATIVE_FIELDS = ['file', 'args', 'cwd', 'envPairs', 'stdio', 'uid', 'gid', 'detached', 'windowsHide', 'windowsVerbatimArguments', 'timeout', 'maxBuffer', 'killSignal'];

/**
 * The options as the native spawn will read them, copied once (ownOptions), with args and envPairs as plain
 * strings, so what it reads is what was checked (a getter or toString cannot change it afterwards). Null when
 * they are not an object.
 */
function snapshot(options: unknown): SpawnOptions | null {
  if (typeof options !== 'object' || options === null) return null;
  const copy = ownOptions<SpawnOptions>(options, NATIVE_FIELDS);
  if (isArray(copy.stdio)) copy.stdio = stdioCopy(copy.stdio as unknown[]);
  if (isArray(copy.args)) copy.args = stringList(copy.args as unknown[]);
  if (isArray(copy.envPairs)) copy.envPairs = stringList(copy.envPairs as unknown[]);
  if (copy.cwd !== undefined && copy.cwd !== null) copy.cwd = `${copy.cwd as string}`;
  return copy;
}

function pathOf(envPairs: unknown): string | undefined {
  return isArray(envPairs) ? valueOf(envPairs as string[], 'PATH') : env.PATH;
}

/** The value of `name` in `NAME=value` pairs (the first, as the C library reads it). */
function valueOf(envPairs: readonly string[], name: string): string | undefined {
  const prefix = `${name}=`;
  for (let i = 0; i < envPairs.length; i++) if (StringPrototypeStartsWith(envPairs[i], prefix)) return StringPrototypeSlice(envPairs[i], prefix.length);
  return undefined;
}

function envPairsOf(variables: Record<string, unknown>): string[] {
  const out = newList<string>();
  const names = objectKeys(variables);
  for (let i = 0; i < names.length; i++) if (variables[names[i]] !== undefined) ArrayPrototypePush(out, `${names[i]}=${variables[names[i]] as string}`);
  return out;
}

/**
 * The child's environment with our preload first in NODE_OPTIONS (the caller's options kept after it)
 * and this process's config and level, whatever the caller passed: `env: {}`, a cleared NODE_OPTIONS and
 * shells (which pass the environment on) all start node children governed.
 */
function governedEnvPairs(envPairs: readonly string[]): string[] {
  const variables = governanceVariables();
  const out = newList<string>();
  let nodeOptions: string | undefined;
  for (let i = 0; i < envPairs.length; i++) {
    const pair = envPairs[i];
    const equals = StringPrototypeIndexOf(pair, '=');
    const name = equals < 0 ? pair : StringPrototypeSlice(pair, 0, equals);
    if (name === NODE_OPTIONS) nodeOptions ??= StringPrototypeSlice(pair, equals + 1);
    else if (!isGovernanceVariable(variables, name)) ArrayPrototypePush(out, pair);
  }
  ArrayPrototypePush(out, `${NODE_OPTIONS}=${withPreloadOption(nodeOptions)}`);
  for (let i = 0; i < variables.length; i++) if (variables[i][1] !== null) ArrayPrototypePush(out, `${variables[i][0]}=${variables[i][1] as string}`);
  return out;
}

/** Our preload first, then the caller's options; once only, so generations of children do not pile it up. */
function withPreloadOption(nodeOptions: string | undefined): string {
  if (nodeOptions === undefined || nodeOptions === '') return PRELOAD_OPTION;
  return StringPrototypeStartsWith(nodeOptions, `${PRELOAD_OPTION} `) || nodeOptions === PRELOAD_OPTION ? nodeOptions : `${PRELOAD_OPTION} ${nodeOptions}`;
}

function isGovernanceVariable(variables: readonly [string, string | null][], name: string): boolean {
  for (let i = 0; i < variables.length; i++) if (variables[i][0] === name) return true;
  return false;
}

function realPathOrNull(path: string): string | null {
  const savedLimit = primordials.quietErrors();
  try {
    return realpathNative(path);
  } catch {
    return null;
  } finally {
    primordials.restoreErrors(savedLimit);
  }
}

/**
 * Decides a spawn: the executable, and for a shell's `-c` command also its first word, must be allowed;
 * so must any debug flag given to a node child. An allowed spawn is rewritten in place to start governed.
 */
// What the native spawns read of a stdio entry.
const STDIO_FIELDS = ['type', 'fd', 'handle', 'readable', 'writable', 'input', 'wrapType'];

/** Each stdio entry copied once (own fields, no prototype), its descriptor converted once as the native spawn does (ToInt32). */
function stdioCopy(stdio: readonly unknown[]): unknown[] {
  const out = newList<unknown>();
  for (let i = 0; i < stdio.length; i++) {
    const entry = stdio[i];
    if (typeof entry !== 'object' || entry === null) {
      setElement(out, i, entry);
      continue;
    }
    const copy = ownOptions<Record<string, unknown>>(entry, STDIO_FIELDS);
    if (copy.fd !== undefined) copy.fd = +(copy.fd as number) | 0;
    setElement(out, i, copy);
  }
  return out;
}

/**
 * A descriptor handed to the child as its stdio (`stdio: [0, fd, 2]`): the child writes its output there, so one of
 * the audit database's own descriptors let any allowed program overwrite the database's pages (the log was left
 * malformed until 2026-11-23). Refused as runtime_bypass when the descriptor names a file of the audit log.
 */
function checkStdioDescriptors(stdio: unknown): GovernanceDeniedError | null {
  if (!isArray(stdio)) return null;
  const list = stdio as unknown[];
  for (let i = 0; i < list.length; i++) {
    const entry = list[i] as { fd?: unknown } | number | null;
    const fd = typeof entry === 'number' ? entry : typeof entry === 'object' && entry !== null ? entry.fd : undefined;
    if (typeof fd !== 'number') continue;
    const denied = checkForeignDescriptor(fd);
    if (denied !== null) return denied;
  }
  return null;
}

function checkSpawn(options: SpawnOptions): GovernanceDeniedError | null {
  if (killsWithSigusr1(options)) {
    const refused = refuseBypass('code_eval', 'inspector:child', 'a sync spawn whose timeout signal is SIGUSR1 (libuv would open the child\'s inspector)');
    if (refused !== null) return refused;
  }
  if (carriesNul(options)) {
    const refused = refuseBypass('process_spawn', cString(options.file as string), 'a NUL character in a spawn\'s program, directory, arguments or environment (native code reads only what comes before it)');
    if (refused !== null) return refused;
  }
  const searchPath = pathOf(options.envPairs);
  const cwd = typeof options.cwd === 'string' && options.cwd !== '' ? options.cwd : undefined;
  const executable = resolveExecutable(options.file as string, searchPath, cwd);
  const denied = checkAction('process_spawn', executable) ?? checkStdioDescriptors(options.stdio);
  if (denied !== null) return denied;
  const args = isArray(options.args) ? (options.args as string[]) : [];
  const realExecutable = realPathOrNull(executable);
  // A shell under another name (a link the program made to /bin/sh) is told by its real path.
  const shell = isShell(executable) ? executable : realExecutable !== null && isShell(realExecutable) ? realExecutable : null;
  const found = shell !== null ? shellCommand(shell, args) : null;
  const realWord = realWordIn(cwd);
  const envPairs = isArray(options.envPairs) ? (options.envPairs as string[]) : envPairsOf(env);
  const shellDenied = checkShellCommand(executable, found, realWord) ?? checkEnvArguments(executable, args, realWord) ?? (shell === null ? null : checkStartupFiles(executable, args, envPairs));
  if (shellDenied !== null) return shellDenied;
  const command = found === NOT_UNDERSTOOD ? null : found;
  const word = command === null ? null : firstCommandWord(command);
  const wordDenied = word === null ? null : checkAction('process_spawn', resolveExecutable(word, searchPath, cwd));
  if (wordDenied !== null) return wordDenied;
  const node = isNodeExecutable(executable, realExecutable, realNode);
  const flagsDenied = checkDebugFlags(node ? args : null, command, envPairs) ?? checkChildVariables(envPairs, cwd);
  if (flagsDenied !== null) return flagsDenied;
  options.envPairs = governedEnvPairs(envPairs);
  if (node && args.length > 0) options.args = withPreload(args, realExecutable === realNode);
  return null;
}

/**
 * A shell's -c command is read for its first program and its node flags. Refused as runtime_bypass: arguments this
 * cannot read (an option could take the -c command as its argument and hide it), and a command that sets or unsets
 * NODE_OPTIONS or a governance variable for what it starts (its node would run without the preload, or with
 * another policy). Null when there is nothing to refuse, and at development level.
 */
function checkShellCommand(executable: string, command: string | null | typeof NOT_UNDERSTOOD, realWord: RealWord): GovernanceDeniedError | null {
  if (command === NOT_UNDERSTOOD) return refuseBypass('process_spawn', executable, 'a shell whose options governance cannot read');
  const override = command === null ? null : environmentOverride(command, CHANGED_VARIABLE_PREFIXES, realWord);
  return override === null ? null : refuseBypass('process_spawn', executable, `a shell command that changes the environment governance gives a child (${override})`);
}

/**
 * `env` started directly changes the environment as a shell's `env` does: `spawn('env', ['-i', 'node', ...])` (also
 * `-u NODE_OPTIONS`, `NODE_OPTIONS=`, `-S`, or `nice env -i ...`) started its node child without the preload until
 * 2026-11-23. Refused as runtime_bypass, like the shell command.
 */
function checkEnvArguments(executable: string, args: readonly string[], realWord: RealWord): GovernanceDeniedError | null {
  const override = argvOverride(executable, args, CHANGED_VARIABLE_PREFIXES, realWord);
  return override === null ? null : refuseBypass('process_spawn', executable, `a program started with arguments that change the environment governance gives a child (${override})`);
}

/**
 * A shell's start-up files run before its command, unread: one its options name (`--rcfile ok/rc -ic`) is refused as
 * runtime_bypass, and so is a login or interactive shell whose HOME, ENV or ZDOTDIR the program changed.
 */
function checkStartupFiles(executable: string, args: readonly string[], envPairs: readonly string[]): GovernanceDeniedError | null {
  const files = shellStartupFiles(args);
  if (files === 'rcfile') return refuseBypass('process_spawn', executable, 'a shell given a start-up file (--rcfile, --init-file)');
  return files === 'login' ? checkShellStartupVariables(envPairs) : null;
}

/**
 * A program word's real path when it names a file by path, relative to the child's directory (`ok/runner`, a link to
 * /bin/sh, or `./launch`, one to env, ran a shell's `NODE_OPTIONS=` or `env -i` unread until 2026-11-23); else the word.
 */
function realWordIn(cwd: string | undefined): RealWord {
  return (word) => (StringPrototypeIndexOf(word, '/') < 0 ? word : realPathOrNull(resolveExecutable(word, undefined, cwd)) ?? word);
}

/** The sync spawn's timeout signal, converted once as the native spawn converts it (an integer). */
function killsWithSigusr1(options: SpawnOptions): boolean {
  if (options.killSignal === undefined) return false;
  options.killSignal = (options.killSignal as number) | 0;
  return options.killSignal === SIGUSR1;
}

/**
 * Node's public API rejects a NUL in any of these, but the raw spawn and process.execve do not: execve(2) and
 * chdir(2) then read each string only up to it, so `/denied\0/../allowed` would be checked as `/allowed`.
 */
function carriesNul(options: SpawnOptions): boolean {
  return hasNul(options.file) || hasNul(options.cwd) || listHasNul(options.args) || listHasNul(options.envPairs);
}

function hasNul(value: unknown): boolean {
  return typeof value === 'string' && StringPrototypeIndexOf(value, '\0') >= 0;
}

function listHasNul(values: unknown): boolean {
  if (!isArray(values)) return false;
  const list = values as unknown[];
  for (let i = 0; i < list.length; i++) if (hasNul(list[i])) return true;
  return false;
}

/** A node child's argv with our preload first (built without iterators, which user code can replace). */
function withPreload(args: readonly string[], thisBinary: boolean): string[] {
  const out = newList<string>();
  ArrayPrototypePush(out, args[0], '--require', PRELOAD);
  const level = kernelLevel();
  if (thisBinary && DISABLE_SIGUSR1 !== null && level !== null && blocks(level)) ArrayPrototypePush(out, DISABLE_SIGUSR1);
  for (let i = 1; i < args.length; i++) ArrayPrototypePush(out, args[i]);
  return out;
}

/** Flags that take a child past governance, in its arguments, a shell command or its NODE_OPTIONS: each must be allowed as `code_eval:node-flag:<flag>`. */
function checkDebugFlags(nodeArgs: string[] | null, command: string | null, envPairs: readonly string[]): GovernanceDeniedError | null {
  const flags = newList<string>();
  if (nodeArgs !== null) flagsInArgs(nodeArgs, childFlag, flags);
  if (command !== null) flagsInWords(command, childFlag, flags);
  const nodeOptions = valueOf(envPairs, NODE_OPTIONS);
  if (nodeOptions !== undefined) flagsInWords(nodeOptions, childFlag, flags);
  for (let i = 0; i < flags.length; i++) {
    const denied = checkAction('code_eval', `node-flag:${flags[i]}`, 'runtime_bypass');
    if (denied !== null) return denied;
  }
  return null;
}

/** What a refused spawn calls the native spawn with instead (options), or returns without calling it. */
type Refusal = (options: SpawnOptions) => SpawnOptions | object;

function governedSpawnPoint(original: Function, refusal: Refusal): Function {
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    // Node ≥ 26 passes the Process handle positional arguments instead of one options object.
    const positional = typeof args[0] === 'string';
    const safe = snapshot(positional ? fromPositional(args) : args[0]);
    if (safe === null) return apply(original, this, args); // not an object: Node rejects it
    // Node rejects a file that is not a string: in the copy, so that a getter cannot give it one afterwards.
    if (typeof safe.file !== 'string') return apply(original, this, positional ? args : [safe]);
    const denied = isOwnSpawn(safe.file, safe.args) ? null : checkSpawn(safe);
    const call = denied === null ? safe : (pendingDenial = denied, refusal(safe));
    if (call === null || typeof call !== 'object' || !('file' in call)) return call;
    return apply(original, this, positional ? toPositional(call as SpawnOptions, args) : [call]);
  };
  return shapeLike(wrapper, original);
}

const POSITIONAL = ['file', 'args', 'cwd', 'envPairs', 'stdio', 'flags', 'uid', 'gid'] as const;

function fromPositional(args: readonly unknown[]): SpawnOptions {
  const options = { __proto__: null } as unknown as Record<string, unknown>;
  for (let i = 0; i < POSITIONAL.length; i++) options[POSITIONAL[i]] = args[i];
  return options as SpawnOptions;
}

function toPositional(options: SpawnOptions, args: readonly unknown[]): unknown[] {
  const record = options as Record<string, unknown>;
  const out = newList<unknown>();
  for (let i = 0; i < POSITIONAL.length; i++) primordials.ArrayPrototypePush(out, POSITIONAL[i] in record ? record[POSITIONAL[i]] : args[i]);
  return out;
}

/**
 * Node wires up the child's stdio pipes only when the native spawn ran, so a denied async spawn still
 * calls it, with `/` as the program: exec of a directory fails with EACCES before anything runs, and
 * Node takes exactly the path it takes for a missing program ('error' on the next tick, usable stdio).
 */
const asyncRefusal: Refusal = (options) => ({ __proto__: null, ...options, file: '/', args: ['/'], uid: undefined, gid: undefined });
const syncRefusal: Refusal = () => ({ error: UV_EACCES, status: null, signal: null, output: null, pid: 0 });

function takeDenial(): GovernanceDeniedError | null {
  const denied = pendingDenial;
  pendingDenial = null;
  return denied;
}

/** Makes the child's next 'error' event (Node's EACCES placeholder) carry the denial instead. */
function replaceNextError(child: object, denied: GovernanceDeniedError): void {
  defineProperty(child, 'emit', {
    configurable: true,
    writable: true,
    value: function (this: object, event: unknown): unknown {
      if (event !== 'error') return apply(emit, this, arguments); // forwarded whole: a spread runs Array's iterator
      delete (child as { emit?: unknown }).emit;
      return apply(emit, this, ['error', denied]);
    },
  });
}

function wrapChildSpawn(original: Function): Function {
  const wrapper = function (this: object, ...args: unknown[]): unknown {
    pendingDenial = null;
    const result = apply(original, this, args);
    const denied = takeDenial();
    if (denied !== null) replaceNextError(this, denied);
    return result;
  };
  return shapeLike(wrapper, original);
}

type SyncPrecheck = (args: unknown[]) => GovernanceDeniedError | null;

/**
 * spawnSync reports failure in `result.error`; execSync and execFileSync throw it. With the binding
 * choke point in place the denial comes from there; without it, `precheck` decides from the arguments.
 */
function wrapSyncApi(original: Function, throws: boolean, precheck: SyncPrecheck | null): Function {
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    const early = precheck === null ? null : precheck(args);
    if (early !== null) {
      if (throws) throw early;
      return { pid: 0, output: null, stdout: null, stderr: null, status: null, signal: null, error: early };
    }
    pendingDenial = null;
    let result: unknown;
    try {
      result = apply(original, this, args);
    } catch (error) {
      const denied = takeDenial();
      throw denied !== null && throws ? denied : error;
    }
    const denied = takeDenial();
    if (denied !== null && !throws && typeof result === 'object' && result !== null) (result as { error?: unknown }).error = denied;
    return result;
  };
  return shapeLike(wrapper, original);
}

/**
 * Fallback for a Node where the spawn_sync binding cannot be reached (Node's permission model refuses
 * process.binding; user code cannot reach the binding either): the target as Node derives it from
 * spawnSync/execFileSync(file, args, options) or execSync(command, options). Node is handed exactly what was
 * checked: the arguments are written as own elements (a slot the caller left out would otherwise reach a setter
 * the program put on Array.prototype, which could leave other values for Node), and the options are copied
 * once into an object without a prototype whose `shell`, `cwd` and `env` are its own, so an inherited getter
 * cannot answer Node differently from the check.
 */
/**
 * A sync spawn's stdio as the public API takes it, on the path that cannot reach the spawn_sync binding: a descriptor
 * (a number, or an object's numeric `fd`, which Node reads the same way) becomes a `{ type: 'fd', fd }` entry for
 * checkStdioDescriptors and stays the number read once for Node. Other entries pass unchanged.
 */
function syncStdio(stdio: readonly unknown[]): unknown[] {
  const out = newList<unknown>();
  for (let i = 0; i < stdio.length; i++) {
    const entry = stdio[i];
    const fd = typeof entry === 'number' ? entry : typeof entry === 'object' && entry !== null ? (entry as { fd?: unknown }).fd : undefined;
    setElement(out, i, typeof fd === 'number' ? fd : entry);
  }
  return out;
}

function syncPrecheck(usesCommand: boolean): SyncPrecheck {
  return (args) => {
    let file = `${args[0] as string}`;
    let list: string[] = [];
    let at = 1;
    if (!usesCommand && (isArray(args[1]) || args[1] === undefined || args[1] === null)) {
      if (isArray(args[1])) list = stringList(args[1] as unknown[]);
      setElement(args, 1, list);
      at = 2;
    }
    const given = typeof args[at] === 'object' && args[at] !== null ? args[at] as object : null;
    const options = { __proto__: null, ...given } as Record<string, unknown>;
    // Own even when absent: execSync copies the options into an ordinary object before Node reads them.
    if (!('shell' in options)) options.shell = undefined;
    options.cwd = syncCwd(options.cwd);
    if (isArray(options.stdio)) options.stdio = syncStdio(options.stdio as unknown[]);
    setElement(args, at, options);
    // exec* always run a shell: a string names it, anything else means /bin/sh.
    const shell = usesCommand ? (typeof options.shell === 'string' ? options.shell : true) : options.shell;
    if (shell) {
      const command = list.length === 0 ? file : `${file} ${primordials.ArrayPrototypeJoin(list, ' ')}`;
      file = typeof shell === 'string' ? shell : '/bin/sh';
      list = ['-c', command];
    }
    const childEnv = typeof options.env === 'object' && options.env !== null ? (options.env as Record<string, unknown>) : env;
    const argv = newList<string>();
    ArrayPrototypePush(argv, file);
    for (let i = 0; i < list.length; i++) ArrayPrototypePush(argv, list[i]);
    const spawn: SpawnOptions = { file, args: argv, envPairs: envPairsOf(childEnv), cwd: options.cwd, stdio: options.stdio, killSignal: signalNumber(options.killSignal) };
    const denied = checkSpawn(spawn);
    if (denied !== null) return denied;
    options.env = envObjectOf(spawn.envPairs as string[]);
    if (!shell) setElement(args, 1, ArrayPrototypeSlice(spawn.args as string[], 1));
    return null;
  };
}

/**
 * The directory Node would chdir to, converted once as Node converts it (a file: URL or a Buffer becomes its path):
 * checked as the string Node then gets. Until 2026-11-22 a URL or Buffer was left for Node to convert, and the
 * check resolved the program from the current directory instead.
 */
function syncCwd(cwd: unknown): unknown {
  const converted: PathArgument = { path: null, value: undefined };
  convertPath(cwd, converted);
  return converted.path ?? converted.value;
}

/** A timeout signal as Node converts it for a sync spawn: a number stays, a name is looked up in any case. */
function signalNumber(signal: unknown): unknown {
  return typeof signal === 'string' ? SIGNALS[StringPrototypeToUpperCase(signal)] : signal;
}

/** The environment object Node builds a child's from (own keys only): without a prototype, so no setter swallows NODE_OPTIONS. */
function envObjectOf(envPairs: readonly string[]): Record<string, string> {
  const out = { __proto__: null } as unknown as Record<string, string>;
  for (let i = 0; i < envPairs.length; i++) {
    const equals = StringPrototypeIndexOf(envPairs[i], '=');
    const name = StringPrototypeSlice(envPairs[i], 0, equals);
    if (!hasOwn(out, name)) out[name] = StringPrototypeSlice(envPairs[i], equals + 1);
  }
  return out;
}

/**
 * process.execve (Node 22.15+, 23.11+) replaces this process with another program: decided and started
 * governed like a spawn. execve(2) does not search PATH, so a bare name is the file in the current
 * directory, and that is what is checked and run.
 */
function wrapExecve(original: Function): Function {
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    const file = args[0];
    // The arguments copied once; Node validates and uses the copy, so an index getter cannot pass Node's check
    // of the arguments after failing ours (which handed Node the program unchecked until 2026-11-22).
    const list = isArray(args[1]) ? ArrayPrototypeSlice(args[1] as unknown[]) : args[1];
    const variables = args[2];
    if (typeof file !== 'string' || (list !== undefined && !allStrings(list)) || (variables !== undefined && (typeof variables !== 'object' || variables === null))) {
      return apply(original, this, [file, list, variables]); // Node rejects it
    }
    const path = StringPrototypeIndexOf(file, '/') >= 0 ? file : `./${file}`;
    const spawn: SpawnOptions = { file: path, args: list === undefined ? [] : list, envPairs: envPairsOf((variables ?? env) as Record<string, unknown>) };
    const denied = checkSpawn(spawn);
    if (denied !== null) throw denied;
    return apply(original, this, [path, spawn.args, envObjectOf(spawn.envPairs as string[])]);
  };
  return shapeLike(wrapper, original);
}

function allStrings(values: unknown): boolean {
  if (!isArray(values)) return false;
  const list = values as unknown[];
  for (let i = 0; i < list.length; i++) if (typeof list[i] !== 'string') return false;
  return true;
}

function spawnSyncBinding(): { spawn: Function } | null {
  try {
    const binding = (process as unknown as { binding(name: string): { spawn?: unknown } }).binding('spawn_sync');
    return typeof binding?.spawn === 'function' ? (binding as { spawn: Function }) : null;
  } catch {
    return null;
  }
}

export function installChildProcessHooks(): void {
  const { ChildProcess } = childProcess;
  const handleProto = getPrototypeOf((new ChildProcess() as unknown as { _handle: object })._handle) as { spawn: Function };
  lockProperty(handleProto, 'spawn', governedSpawnPoint(handleProto.spawn, asyncRefusal));
  governChildSignals(handleProto as unknown as Record<string, unknown>);
  const syncBinding = spawnSyncBinding();
  if (syncBinding !== null) lockProperty(syncBinding, 'spawn', governedSpawnPoint(syncBinding.spawn, syncRefusal));
  const precheck = (usesCommand: boolean) => (syncBinding === null ? syncPrecheck(usesCommand) : null);
  const childProto = ChildProcess.prototype as unknown as { spawn: Function };
  lockProperty(childProto, 'spawn', wrapChildSpawn(childProto.spawn));
  const cp = childProcess as unknown as Record<string, Function>;
  lockProperty(cp, 'spawnSync', wrapSyncApi(cp.spawnSync, false, precheck(false)));
  lockProperty(cp, 'execSync', wrapSyncApi(cp.execSync, true, precheck(true)));
  lockProperty(cp, 'execFileSync', wrapSyncApi(cp.execFileSync, true, precheck(false)));
  const proc = process as unknown as Record<string, Function>;
  if (typeof proc.execve === 'function') lockProperty(proc, 'execve', wrapExecve(proc.execve));
}
