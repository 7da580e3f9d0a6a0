// Governs every way of starting a process. All async routes (spawn, exec, execFile, fork,
// ChildProcess#spawn, a raw Process handle) end in the Process handle's `spawn`; all sync routes
// (spawnSync, execSync, execFileSync) end in the spawn_sync binding's `spawn`. The check sits on those
// two choke points; the public wrappers only swap Node's placeholder error for the denial.
import childProcess = require('node:child_process');
import { EventEmitter } from 'node:events';
import { getSystemErrorMap } from 'node:util';
import { checkAction } from '../kernel/gate';
import type { GovernanceDeniedError } from '../kernel/errors';
import { primordials } from '../primordials';
import { resolveExecutable, shellCommand, firstCommandWord, isShell } from './spawn-target';
import { lockProperty, shapeLike } from './lock';

const { apply, defineProperty, getPrototypeOf, isArray, StringPrototypeStartsWith, StringPrototypeSlice } = primordials;
const emit = EventEmitter.prototype.emit;
const env = process.env;

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
}

/**
 * A copy of the options taken once, with file, args and envPairs as plain strings, so what the native
 * spawn reads is what was checked (a getter or toString cannot change it afterwards).
 */
function snapshot(options: unknown): SpawnOptions | null {
  if (typeof options !== 'object' || options === null) return null;
  const copy = { ...options } as SpawnOptions;
  if (typeof copy.file !== 'string') return null;
  if (isArray(copy.args)) copy.args = toStrings(copy.args as unknown[]);
  if (isArray(copy.envPairs)) copy.envPairs = toStrings(copy.envPairs as unknown[]);
  if (copy.cwd !== undefined && copy.cwd !== null) copy.cwd = `${copy.cwd as string}`;
  return copy;
}

function toStrings(values: unknown[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < values.length; i++) primordials.ArrayPrototypePush(out, `${values[i] as string}`);
  return out;
}

function pathOf(envPairs: unknown): string | undefined {
  if (!isArray(envPairs)) return env.PATH;
  const pairs = envPairs as string[];
  for (let i = 0; i < pairs.length; i++) if (StringPrototypeStartsWith(pairs[i], 'PATH=')) return StringPrototypeSlice(pairs[i], 5);
  return undefined;
}

/** The executable, and for a shell's `-c` command also its first word; both must be allowed. */
function checkSpawn(options: SpawnOptions): GovernanceDeniedError | null {
  const searchPath = pathOf(options.envPairs);
  const cwd = typeof options.cwd === 'string' && options.cwd !== '' ? options.cwd : undefined;
  const executable = resolveExecutable(options.file as string, searchPath, cwd);
  const denied = checkAction('process_spawn', executable);
  if (denied !== null || !isShell(executable) || !isArray(options.args)) return denied;
  const command = shellCommand(options.args as string[]);
  const word = command === null ? null : firstCommandWord(command);
  return word === null ? null : checkAction('process_spawn', resolveExecutable(word, searchPath, cwd));
}

/** What a refused spawn calls the native spawn with instead (options), or returns without calling it. */
type Refusal = (options: SpawnOptions) => SpawnOptions | object;

function governedSpawnPoint(original: Function, refusal: Refusal): Function {
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    // Node ≥ 26 passes the Process handle positional arguments instead of one options object.
    const positional = typeof args[0] === 'string';
    const safe = snapshot(positional ? fromPositional(args) : args[0]);
    if (safe === null) return apply(original, this, args); // Node rejects it
    const denied = checkSpawn(safe);
    const call = denied === null ? safe : (pendingDenial = denied, refusal(safe));
    if (call === null || typeof call !== 'object' || !('file' in call)) return call;
    return apply(original, this, positional ? toPositional(call as SpawnOptions, args) : [call]);
  };
  return shapeLike(wrapper, original);
}

const POSITIONAL = ['file', 'args', 'cwd', 'envPairs', 'stdio', 'flags', 'uid', 'gid'] as const;

function fromPositional(args: readonly unknown[]): SpawnOptions {
  const options: Record<string, unknown> = {};
  for (let i = 0; i < POSITIONAL.length; i++) options[POSITIONAL[i]] = args[i];
  return options as SpawnOptions;
}

function toPositional(options: SpawnOptions, args: readonly unknown[]): unknown[] {
  const record = options as Record<string, unknown>;
  const out: unknown[] = [];
  for (let i = 0; i < POSITIONAL.length; i++) primordials.ArrayPrototypePush(out, POSITIONAL[i] in record ? record[POSITIONAL[i]] : args[i]);
  return out;
}

/**
 * Node wires up the child's stdio pipes only when the native spawn ran, so a denied async spawn still
 * calls it, with `/` as the program: exec of a directory fails with EACCES before anything runs, and
 * Node takes exactly the path it takes for a missing program ('error' on the next tick, usable stdio).
 */
const asyncRefusal: Refusal = (options) => ({ ...options, file: '/', args: ['/'], uid: undefined, gid: undefined });
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
    value: function (this: object, event: unknown, ...args: unknown[]): unknown {
      if (event !== 'error') return apply(emit, this, [event, ...args]);
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
 * Fallback for a Node where the spawn_sync binding cannot be reached (then user code cannot reach it
 * either): the target as Node derives it from spawnSync/execFileSync(file, args, options) or
 * execSync(command, options). Options are copied once so Node sees what was checked.
 */
function syncPrecheck(usesCommand: boolean): SyncPrecheck {
  return (args) => {
    let file = `${args[0] as string}`;
    let list: string[] = [];
    let at = 1;
    if (!usesCommand && isArray(args[1])) {
      list = toStrings(args[1] as unknown[]);
      args[1] = list;
      at = 2;
    }
    let options: Record<string, unknown> = {};
    if (typeof args[at] === 'object' && args[at] !== null) {
      options = { ...(args[at] as object) };
      args[at] = options;
    }
    const shell = usesCommand ? (options.shell ?? true) : options.shell;
    if (shell) {
      const command = primordials.ArrayPrototypeJoin([file, ...list], ' ');
      file = typeof shell === 'string' ? shell : '/bin/sh';
      list = ['-c', command];
    }
    const childEnv = options.env as Record<string, unknown> | undefined;
    const envPairs = childEnv === undefined || childEnv === null ? undefined : childEnv.PATH === undefined ? [] : [`PATH=${childEnv.PATH as string}`];
    return checkSpawn({ file, args: [file, ...list], envPairs, cwd: options.cwd });
  };
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
  const syncBinding = spawnSyncBinding();
  if (syncBinding !== null) lockProperty(syncBinding, 'spawn', governedSpawnPoint(syncBinding.spawn, syncRefusal));
  const precheck = (usesCommand: boolean) => (syncBinding === null ? syncPrecheck(usesCommand) : null);
  const childProto = ChildProcess.prototype as unknown as { spawn: Function };
  lockProperty(childProto, 'spawn', wrapChildSpawn(childProto.spawn));
  const cp = childProcess as unknown as Record<string, Function>;
  lockProperty(cp, 'spawnSync', wrapSyncApi(cp.spawnSync, false, precheck(false)));
  lockProperty(cp, 'execSync', wrapSyncApi(cp.execSync, true, precheck(true)));
  lockProperty(cp, 'execFileSync', wrapSyncApi(cp.execFileSync, true, precheck(false)));
}
