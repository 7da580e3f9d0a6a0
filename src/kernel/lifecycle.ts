// Makes sure queued audit entries reach the log however the process ends.
import workerThreads = require('node:worker_threads');
import type { AuditWriter } from '../audit/types';

const { BroadcastChannel, isMainThread, threadId } = workerThreads;
const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
/** A worker listens here (name + its threadId) for its parent's request to commit before terminate(). */
export const FLUSH_CHANNEL = '@mltrainer/governance: flush before terminate, thread ';
export const FLUSH_REQUEST = 'flush';
export const FLUSHED = 'flushed';
const { apply, defineProperty, getOwnPropertyDescriptor } = Reflect;
const ownPid = process.pid;
let flushQueued: () => void = () => undefined;

/** Commits what is queued now, before an end of the process that only its caller sees (a WASI program's proc_raise). */
export function commitQueued(): void {
  flushQueued();
}

/**
 * Ends of the process that emit no 'exit' event: `process.reallyExit` (process.exit without the event) and
 * `process.abort` close the log first (a last signed checkpoint); a signal this process sends itself
 * (`process.kill` calls `process._kill`), which SIGKILL, SIGABRT and the like end at once, commits the queued
 * entries first: to its pid, its group (0) or any group, which may be its own (a negative pid: until 2026-11-23 the
 * queue was lost). So does `process.execve` (Node 22.15+), which replaces the process image: until 2026-11-23 what was
 * queued since the last commit, the execve's own decision included, went with it (the log stays open in case
 * execve fails). The slots stay writable: libraries such as signal-exit replace `process.reallyExit` and call
 * what they found; `execve` is locked by the child-process hook, around this.
 */
function closeBeforeEnds(close: () => void, flush: () => void): void {
  const proc = process as unknown as Record<string, unknown>;
  runFirst(proc, 'reallyExit', close, () => true);
  runFirst(proc, 'abort', close, () => true);
  runFirst(proc, '_kill', flush, (args) => args[1] !== 0 && mayReachSelf(args[0]));
  runFirst(proc, 'execve', flush, () => true);
}

/**
 * Whether a signal sent to `pid` may end this process: itself, its group (0), a group by number (-pgid: this process
 * when it leads that group, as under a shell or `detached: true`) or every process (-1). Until 2026-11-23 only the
 * first two flushed, and `process.kill(-pgid, 'SIGKILL')` lost the entries queued in the last 10 ms.
 */
function mayReachSelf(pid: unknown): boolean {
  return typeof pid !== 'number' || pid === ownPid || pid <= 0;
}

function runFirst(owner: Record<string, unknown>, name: string, first: () => void, ends: (args: unknown[]) => boolean): void {
  const original = owner[name];
  const descriptor = getOwnPropertyDescriptor(owner, name);
  if (typeof original !== 'function' || descriptor === undefined || descriptor.configurable !== true) return;
  defineProperty(owner, name, {
    ...descriptor,
    value: {
      [name](this: unknown, ...args: unknown[]): unknown {
        if (ends(args)) first();
        return apply(original, this, args);
      },
    }[name],
  });
}

const weakMapHas = WeakMap.prototype.has;
const weakMapSet = WeakMap.prototype.set;
// Run at Node's 'exit' emit before any listener: the integrity watch's last pass, then the log's close.
const beforeExit: (() => void)[] = [];
Reflect.setPrototypeOf(beforeExit, null);
let closeAtExit: (() => void) | null = null;
let inExitEmit = false; // a wrapper of ours reached again through one the program made around it runs nothing
let emitWrapped = false;

/** Runs `task` at exit before any 'exit' listener, whatever the program did to the listeners or to `process.emit`. */
export function runBeforeExitListeners(task: () => void): void {
  beforeExit[beforeExit.length] = task;
  wrapProcessEmit();
}

function runExitTasks(): void {
  for (let i = 0; i < beforeExit.length; i++) beforeExit[i]();
  if (closeAtExit !== null) closeAtExit();
}

/**
 * Node's exit reads `process.emit` and calls it with 'exit', and only then do listeners run. The log used to be closed
 * by an 'exit' listener of ours (put back first if removed), which a program got around until 2026-11-23: a listener
 * it put before ours (`prependListener`, or `_events.exit` reordered) that throws ends the emit there (Node emits
 * 'exit' once), and a `process.emit` it assigned that drops 'exit' never calls the listeners at all; either way every
 * allowed entry queued since the last commit was lost. `emit` is now an accessor that hands out what was assigned to
 * it (signal-exit replaces process.emit) behind a wrapper which, on 'exit', closes the log first. Assigning one of
 * these wrappers back (a library restoring what it read) keeps it as it is, so no wrapper ever calls itself.
 */
function wrapProcessEmit(): void {
  if (emitWrapped) return;
  emitWrapped = true;
  const wrapped = new WeakMap<Function, true>();
  const exposing = (value: unknown): unknown => {
    // A value that is no function is wrapped too: calling it throws, after the queue is committed.
    if (typeof value === 'function' && apply(weakMapHas, wrapped, [value])) return value; // already one of ours
    const wrapper = function (this: unknown, ...args: unknown[]): unknown {
      if (args[0] !== 'exit' || inExitEmit) {
        try {
          return apply(value as Function, this, args);
        } catch (error) {
          // Node's own emits (beforeExit, uncaughtExceptionMonitor) that throw end the process with no 'exit' emit.
          flushQueued();
          throw error;
        }
      }
      inExitEmit = true;
      try {
        runExitTasks();
        return apply(value as Function, this, args);
      } finally {
        inExitEmit = false;
      }
    };
    apply(weakMapSet, wrapped, [wrapper, true]);
    return wrapper;
  };
  let exposed = exposing(process.emit);
  defineProperty(process, 'emit', {
    configurable: false,
    enumerable: false,
    get(): unknown {
      return exposed;
    },
    set(value: unknown) {
      exposed = exposing(value);
    },
  });
}

export function flushOnExit(writer: AuditWriter, onError: (error: unknown) => void): void {
  const safely = (action: () => void) => () => {
    try {
      action();
    } catch (error) {
      onError(error);
    }
  };
  const close = safely(() => writer.close());
  const flush = safely(() => writer.flush());
  flushQueued = flush;
  // 'exit' is emitted on normal exit, process.exit() and uncaught exceptions.
  closeAtExit = close;
  wrapProcessEmit();
  closeBeforeEnds(close, flush);
  if (!isMainThread) return answerFlushRequests(flush);
  for (const signal of SIGNALS) {
    const onSignal = () => {
      // With no other listener the default action (terminate by this signal) is what the program expects;
      // otherwise the program's own handler decides, and the log stays open for what it does next.
      if (process.listenerCount(signal) > 1) return flush();
      close();
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

/**
 * `worker.terminate()` ends a worker without an 'exit' event: its parent asks it first (hooks/workers.ts),
 * and it commits its queue and answers. A worker busy in a synchronous loop cannot answer; its parent then
 * terminates it after a short wait, and what it queued in its last 10 ms (module loads: 100 ms) is lost (docs/audit.md).
 */
function answerFlushRequests(flush: () => void): void {
  const channel = new BroadcastChannel(`${FLUSH_CHANNEL}${threadId}`);
  channel.onmessage = (event: unknown) => {
    if ((event as { data?: unknown }).data !== FLUSH_REQUEST) return;
    flush();
    channel.postMessage(FLUSHED);
  };
  channel.unref();
}
