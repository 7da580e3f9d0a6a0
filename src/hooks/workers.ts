// Governs worker_threads.Worker: decides `worker_spawn` (target: the script's absolute path, or `eval`
// for `eval: true` and data: URLs) and starts every worker governed: our CommonJS preload goes first in
// its execArgv whatever the caller passed, and its environment carries this process's config and level,
// so `execArgv: []`, `env: {}` or a rewritten MLTRAINER_* variable cannot start it ungoverned.
import workerThreads = require('node:worker_threads');
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkAction } from '../kernel/gate';
import { primordials } from '../primordials';
import { applyGovernanceVariables, PRELOAD } from './child-governance';
import { governClass } from './code-eval-class';
import { lockProperty } from './lock';
import { refuseBypass } from './internals-bypass';
import { WRITER_THREAD_MARK } from '../audit/writer-thread-protocol';

const { isArray, StringPrototypeStartsWith } = primordials;
const ObjectHasOwn = Object.hasOwn;

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

/** The caller's options with our preload first in execArgv and our config and level in the env. */
function governedOptions(options: WorkerOptions): WorkerOptions {
  const execArgv = isArray(options.execArgv) ? (options.execArgv as unknown[]) : process.execArgv;
  const governed: WorkerOptions = { ...options, execArgv: ['--require', PRELOAD, ...execArgv] };
  if (options.env === workerThreads.SHARE_ENV) return governed;
  const env: Record<string, unknown> = typeof options.env === 'object' && options.env !== null ? { ...(options.env as object) } : { ...process.env };
  applyGovernanceVariables(env);
  governed.env = env;
  return governed;
}

/**
 * A URL-like filename (Node accepts any object with href and protocol) becomes a real URL built from one
 * read of its href, so what Node loads is what was checked.
 */
function stableFilename(filename: unknown): unknown {
  if (typeof filename !== 'object' || filename === null || !('href' in filename)) return filename;
  return new URL(`${(filename as { href: unknown }).href as string}`);
}

function checkWorker(args: unknown[]): unknown[] {
  const filename = stableFilename(args[0]);
  const options: WorkerOptions = typeof args[1] === 'object' && args[1] !== null ? { ...(args[1] as WorkerOptions) } : {};
  const target = workerTarget(filename, options);
  const denied = checkAction('worker_spawn', target);
  if (denied !== null) throw denied;
  if (carriesWriterThreadMark(options.workerData)) options.workerData = withoutWriterThreadMark(options.workerData, target);
  return [filename, governedOptions(options), ...primordials.ArrayPrototypeSlice(args, 2)];
}

function carriesWriterThreadMark(data: unknown): data is Record<string, unknown> {
  return typeof data === 'object' && data !== null && ObjectHasOwn(data, WRITER_THREAD_MARK);
}

/** The preload stays inactive in a thread whose workerData carries our writer thread's mark: a user worker may not. */
function withoutWriterThreadMark(data: Record<string, unknown>, target: string): Record<string, unknown> {
  const denied = refuseBypass('worker_spawn', target, 'a worker whose workerData carries the audit writer thread mark');
  if (denied !== null) throw denied;
  const copy = { ...data };
  delete copy[WRITER_THREAD_MARK];
  return copy;
}

export function installWorkerHooks(): void {
  lockProperty(workerThreads, 'Worker', governClass(workerThreads.Worker, checkWorker));
}
