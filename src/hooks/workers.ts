// Governs worker_threads.Worker: decides `worker_spawn` (target: the script's absolute path, or `eval`
// for `eval: true` and data: URLs) and starts every worker governed: our CommonJS preload goes first in
// its execArgv whatever the caller passed, and its environment carries this process's config and level,
// so `execArgv: []`, `env: {}` or a rewritten MLTRAINER_* variable cannot start it ungoverned.
import workerThreads = require('node:worker_threads');
import nodePath = require('node:path');
import nodeUrl = require('node:url');
import { checkAction } from '../kernel/gate';
import type { GovernanceDeniedError } from '../kernel/errors';
import { primordials } from '../primordials';
import { applyGovernanceVariables, CONFIG_ENV, governanceVariables, PRELOAD } from './child-governance';
import { LEVEL_ENV } from '../kernel/level';
import { ACTOR_ENV } from '../kernel/actor';
import { governClass } from './code-eval-class';
import { FLUSH_CHANNEL, FLUSHED, FLUSH_REQUEST } from '../kernel/lifecycle';
import { lockProperty, shapeLike } from './lock';
import { childFlag, loaderFlag } from './spawn-flags';
import { refuseBypass } from './internals-bypass';
import { steeredResolver } from './resolver-environment';
import { CHILD_VARIABLES_DATA, handOnChildVariables } from './spawn-environment';
import { isOwnThread } from '../own-threads';

// Captured at load: user code can replace these modules' functions.
const { resolve } = nodePath;
const { fileURLToPath } = nodeUrl;

const { apply, isArray, ownOptions, setElement, JSONParse, JSONStringify, StringPrototypeSlice, StringPrototypeStartsWith } = primordials;
const { BroadcastChannel, isMainThread } = workerThreads;
const setEnvironmentData = workerThreads.setEnvironmentData;
const getEnvironmentData = workerThreads.getEnvironmentData;
/**
 * The environment-data key under which a governed thread hands each worker it starts its config and level. A worker
 * started with `env: SHARE_ENV` reads the very process.env the program can change, and finds its config from the
 * current directory, which the program can move: until 2026-11-23 either made a worker load a permissive config the
 * program wrote where it may write, and run ungoverned. Environment data is copied into the worker when it is
 * created, the program cannot set this key (the slot is locked), and the worker's preload reads it first.
 */
const GOVERNANCE_DATA = '@mltrainer/governance.parent';

/** The config path, level and actor the governed thread that started this worker handed it; null on the main thread or without one. */
export function inheritedGovernance(): { config: string | null; level: string | null; actor: string | null } | null {
  if (isMainThread || typeof getEnvironmentData !== 'function') return null;
  const data = apply(getEnvironmentData, workerThreads, [GOVERNANCE_DATA]);
  if (typeof data !== 'string') return null;
  const parsed = JSONParse(data) as unknown;
  if (!isArray(parsed) || parsed.length !== 3) return null;
  return { config: stringOrNull(parsed[0]), level: stringOrNull(parsed[1]), actor: stringOrNull(parsed[2]) };
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** Hands the next worker this thread's config, level and actor (see GOVERNANCE_DATA). */
function handOnGovernance(): void {
  if (typeof setEnvironmentData !== 'function') return;
  const variables = governanceVariables();
  let config: string | null = null;
  let level: string | null = null;
  let actor: string | null = null;
  for (let i = 0; i < variables.length; i++) {
    if (variables[i][0] === CONFIG_ENV) config = variables[i][1];
    if (variables[i][0] === LEVEL_ENV) level = variables[i][1];
    if (variables[i][0] === ACTOR_ENV) actor = variables[i][1];
  }
  apply(setEnvironmentData, workerThreads, [GOVERNANCE_DATA, JSONStringify([config, level, actor])]);
  handOnChildVariables();
}
const { setTimeout: setTimer, clearTimeout: clearTimer } = globalThis;
/** How long terminate() waits for a worker to commit its audit entries (a busy worker cannot answer). */
const FLUSH_WAIT_MS = 250;

interface WorkerOptions {
  eval?: unknown;
  execArgv?: unknown;
  env?: unknown;
  [key: string]: unknown;
}

/** `eval` for code handed over as a string, else the script's absolute path. */
function workerTarget(filename: unknown, options: WorkerOptions): string {
  if (options.eval) return 'eval';
  const href = filename instanceof URL ? filename.href : `${filename as string}`;
  if (StringPrototypeStartsWith(href, 'data:')) return 'eval';
  if (StringPrototypeStartsWith(href, 'file:')) return fileURLToPath(href);
  return resolve(href);
}

/**
 * The flags this process was started with, copied when governance installs, before the program runs. A worker given
 * no execArgv inherits these: `process.execArgv` is the program's to change, and a flag pushed onto it (say
 * `--experimental-loader ./hooks.mjs`) reached the worker as an "inherited" flag that is not decided, so loader hooks
 * handed Node generated source for the worker's script (Node 22-26, until 2026-11-23).
 */
let startExecArgv: readonly string[] = [];

/**
 * The caller's options with our preload first in execArgv and our config and level in the env. Without a prototype
 * and with `eval` its own: an inherited `eval` getter could otherwise tell Node that the checked script path is code.
 */
function governedOptions(options: WorkerOptions): WorkerOptions {
  const governed = { __proto__: null, ...options, eval: options.eval, execArgv: preloadFirst(isArray(options.execArgv) ? (options.execArgv as unknown[]) : startExecArgv) } as WorkerOptions;
  if (options.env === workerThreads.SHARE_ENV) return governed;
  // Without a prototype: a setter the program put on Object.prototype for a governance variable would otherwise
  // swallow the assignment, and the worker would start without this process's config (until 2026-11-22).
  const env = { __proto__: null, ...(typeof options.env === 'object' && options.env !== null ? options.env : process.env) } as Record<string, unknown>;
  applyGovernanceVariables(env);
  governed.env = env;
  return governed;
}

/**
 * `--require <preload>` then the caller's flags, copied by index (a spread would run Array.prototype's iterator,
 * which the program can replace) and converted to strings once, as Node converts them: the flags decided are the
 * flags Node gets (an object's toString could otherwise answer one flag to the check and another to Node).
 */
function preloadFirst(execArgv: readonly unknown[]): unknown[] {
  const list: unknown[] = ['--require', PRELOAD];
  const length = execArgv.length;
  for (let i = 0; i < length; i++) {
    const flag = execArgv[i];
    setElement(list, i + 2, typeof flag === 'string' ? flag : `${flag as string}`);
  }
  return list;
}

/**
 * The flags the caller gave a worker (a worker that inherits this process's flags inherits what the operator started
 * it with). A worker's own `--experimental-loader`/`--loader` installs loader hooks in it, which can hand Node any
 * source for any module the worker loads: decided as code_eval:module-compile, like `module.register` (Node 22+ ran
 * a worker's loader with no decision until 2026-11-23). The flags a spawn decides for a node child as
 * code_eval:node-flag:<flag> are decided here too: Node accepts the per-thread profiling ones in a worker and writes
 * its profile from C++ at its exit (`--cpu-prof-dir` outside the writable area, until 2026-11-23).
 */
function checkGivenFlags(execArgv: readonly unknown[]): void {
  if (sameAsStartFlags(execArgv)) return; // `execArgv: process.execArgv` as it was: what inheriting gives anyway
  for (let i = 2; i < execArgv.length; i++) {
    const denied = checkGivenFlag(execArgv[i] as string);
    if (denied !== null) throw denied;
  }
}

/** Whether the flags after the preload are exactly those this process started with. */
function sameAsStartFlags(execArgv: readonly unknown[]): boolean {
  if (execArgv.length - 2 !== startExecArgv.length) return false;
  for (let i = 0; i < startExecArgv.length; i++) if (execArgv[i + 2] !== startExecArgv[i]) return false;
  return true;
}

function checkGivenFlag(arg: string): GovernanceDeniedError | null {
  if (loaderFlag(arg) !== null) return checkAction('code_eval', 'module-compile');
  const flag = childFlag(arg);
  return flag === null ? null : checkAction('code_eval', `node-flag:${flag}`, 'runtime_bypass');
}

/**
 * A URL-like filename (Node accepts any object with href and protocol) becomes a real URL built from one
 * read of its href, so what Node loads is what was checked.
 */
function stableFilename(filename: unknown): unknown {
  if (typeof filename !== 'object' || filename === null || !('href' in filename)) return filename;
  return new URL(`${(filename as { href: unknown }).href as string}`);
}

/** The options of the worker being built when its flags are this process's own (the caller gave none). */
let inheritingOptions: WorkerOptions | null = null;
const INVALID_FLAGS = 'Initiated Worker with invalid execArgv flags: ';
const construct = Reflect.construct;

/**
 * Builds the worker. A worker given no execArgv gets this process's own flags after the preload, as Node would let it
 * inherit them; but Node refuses, in an execArgv, the flags that act on the whole process (V8's, such as
 * `--max-old-space-size`, and per-process ones such as `--title`), which a worker shares anyway. Until 2026-11-23 a
 * process started with one could start no worker at all under governance (ERR_WORKER_INVALID_EXEC_ARGV). Those
 * flags, as Node names them in its error, are dropped and the worker is built once more; never the preload.
 */
function buildWorker(Original: Function, args: unknown[], newTarget: Function): unknown {
  const inheriting = inheritingOptions !== null && args[1] === inheritingOptions ? inheritingOptions : null;
  inheritingOptions = null;
  try {
    return construct(Original, args, newTarget);
  } catch (error) {
    const message = typeof error === 'object' && error !== null ? (error as { code?: unknown; message?: unknown }) : null;
    if (inheriting === null || message === null || message.code !== 'ERR_WORKER_INVALID_EXEC_ARGV' || typeof message.message !== 'string' || !StringPrototypeStartsWith(message.message, INVALID_FLAGS)) throw error;
    const invalid = primordials.StringSplit(StringPrototypeSlice(message.message, INVALID_FLAGS.length), ', ');
    // Node reports some flags by the V8 name it turned them into.
    if (primordials.ArrayPrototypeIncludes(invalid, '--harmony-shadow-realm')) invalid[invalid.length] = '--experimental-shadow-realm';
    const flags = inheriting.execArgv as unknown[];
    const kept = primordials.newList<unknown>();
    for (let i = 0; i < flags.length; i++) {
      if (i >= 2 && primordials.ArrayPrototypeIncludes(invalid, flags[i])) continue;
      kept[kept.length] = flags[i];
    }
    inheriting.execArgv = kept;
    return construct(Original, args, newTarget);
  }
}

// What Node reads of resourceLimits, and the smallest stack a worker may have: Node keeps 192 KB of it in reserve, and
// at 0.3 MB no commit of the worker's audit log ever had room (it ran with every entry lost until 2026-11-23).
const LIMIT_FIELDS = ['maxYoungGenerationSizeMb', 'maxOldGenerationSizeMb', 'codeRangeSizeMb', 'stackSizeMb'];
const MIN_STACK_MB = 1;

/** The worker's resource limits copied once (a getter cannot answer Node another stack size), and too small a stack refused. */
function checkResourceLimits(options: WorkerOptions, target: string): void {
  const limits = options.resourceLimits;
  if (typeof limits !== 'object' || limits === null) return;
  const copy = ownOptions<Record<string, unknown>>(limits, LIMIT_FIELDS);
  options.resourceLimits = copy;
  const stack = copy.stackSizeMb;
  // Node ignores a size that is not a positive number.
  if (typeof stack !== 'number' || !(stack > 0 && stack < MIN_STACK_MB)) return;
  const denied = refuseBypass('worker_spawn', target, `a worker stack of ${stack} MB (too small for its audit log to commit)`);
  if (denied !== null) throw denied;
}

function checkWorker(args: unknown[]): unknown[] {
  const filename = stableFilename(args[0]);
  const given = args[1];
  const options = { __proto__: null, ...(typeof given === 'object' && given !== null ? given : null) } as WorkerOptions;
  const target = workerTarget(filename, options);
  const denied = checkAction('worker_spawn', target);
  if (denied !== null) throw denied;
  checkResourceLimits(options, target);
  checkResolver(target);
  handOnGovernance();
  const governed = governedOptions(options);
  if (isArray(options.execArgv)) checkGivenFlags(governed.execArgv as unknown[]);
  else inheritingOptions = governed;
  return [filename, governed];
}

/**
 * A worker's resolver reads the process's environment, not the worker's copy, and the worker takes the copy it starts
 * with for what it started with (resolver-environment.ts): started while this thread's lookups would be refused, its
 * own would not be.
 */
function checkResolver(target: string): void {
  const variable = steeredResolver();
  if (variable === null) return;
  const refused = refuseBypass('worker_spawn', target, `a worker started while ${variable} is not what this process started with (its resolver reads it)`);
  if (refused !== null) throw refused;
}

/**
 * Governance's own threads (the audit writer) stay out of the program's reach even though it can obtain their Worker
 * objects (own-threads.ts): stopping one ends the audit log, and a heap snapshot of one is of the thread that holds
 * the signing key. Refused as runtime_bypass.
 */
function refuseOwnThread(worker: unknown, method: string): GovernanceDeniedError | null {
  return isOwnThread(worker) ? refuseBypass('worker_spawn', `governance-thread:${method}`, `${method}() of governance's own audit thread`) : null;
}

function guardOwnThreads(original: Function, method: string): Function {
  return function (this: unknown, ...args: unknown[]): unknown {
    const denied = refuseOwnThread(this, method);
    if (denied !== null) return primordials.PromiseReject(denied);
    return apply(original, this, args);
  };
}

/** terminate(), once the worker has committed its queued audit entries (or after FLUSH_WAIT_MS). */
function terminateAfterFlush(original: Function): Function {
  return function terminate(this: { threadId: number }, ...args: unknown[]): unknown {
    const denied = refuseOwnThread(this, 'terminate');
    if (denied !== null) return primordials.PromiseReject(denied);
    const id = this.threadId;
    if (typeof id !== 'number' || id < 0) return apply(original, this, args);
    return new Promise((resolve, reject) => {
      const channel = new BroadcastChannel(`${FLUSH_CHANNEL}${id}`);
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        clearTimer(timer);
        channel.close();
        (apply(original, this, args) as Promise<unknown>).then(resolve, reject);
      };
      const timer = setTimer(finish, FLUSH_WAIT_MS);
      channel.onmessage = (event: unknown) => { if ((event as { data?: unknown }).data === FLUSHED) finish(); };
      channel.postMessage(FLUSH_REQUEST);
    });
  };
}

export function installWorkerHooks(): void {
  const own = process.execArgv;
  const copy = primordials.newList<string>();
  for (let i = 0; i < own.length; i++) copy[copy.length] = `${own[i]}`;
  startExecArgv = primordials.freeze(copy);
  const proto = workerThreads.Worker.prototype as unknown as Record<string, Function>;
  lockProperty(proto, 'terminate', shapeLike(terminateAfterFlush(proto.terminate), proto.terminate));
  lockProperty(proto, 'getHeapSnapshot', shapeLike(guardOwnThreads(proto.getHeapSnapshot, 'getHeapSnapshot'), proto.getHeapSnapshot));
  lockProperty(workerThreads, 'Worker', governClass(workerThreads.Worker, checkWorker, undefined, buildWorker));
  if (typeof setEnvironmentData === 'function') {
    const guarded = function (this: unknown, ...args: unknown[]): unknown {
      if (args[0] === GOVERNANCE_DATA || args[0] === CHILD_VARIABLES_DATA) throw new primordials.TypeError(`${args[0] as string} is governance's own environment data`);
      return apply(setEnvironmentData, this, args);
    };
    lockProperty(workerThreads, 'setEnvironmentData', shapeLike(guarded, setEnvironmentData));
  }
}
