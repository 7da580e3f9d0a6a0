// Load-time checking (`analysis.atLoad`): a user module (not in node_modules) is run through the static
// checker when its load is decided, and each finding is decided as a violation. Results are cached by
// content hash in the state dir, so a second run only hashes the file. The checker runs on a thread of its own
// (load-check-thread.ts), started at activation, before any user code: it loads babel on the first miss, and
// neither the program's changes to built-ins nor its require.cache reach it. This thread waits for its answer.
import nodeCrypto = require('node:crypto');
import fs = require('node:fs');
import nodePath = require('node:path');
import workerThreads = require('node:worker_threads');
import { primordials } from '../primordials';
import type { CheckName, Finding } from '../analysis/types';
import type { GovernanceDeniedError } from './errors';
import { markOwnThread } from '../own-threads';

// Captured at load: they are used at module-load decisions, after user code could have replaced them.
const { createHash, hash: oneShotHash } = nodeCrypto as typeof nodeCrypto & { hash?: (algorithm: string, data: string) => string };
const { mkdirSync, readFileSync, renameSync, writeFileSync } = fs;
const { join, resolve } = nodePath;
const { Worker, MessageChannel, receiveMessageOnPort } = workerThreads;
const portPostMessage = workerThreads.MessagePort.prototype.postMessage;
const threadIdOf = primordials.getOwnPropertyDescriptor(Worker.prototype, 'threadId')!.get!;
const { load, wait } = Atomics;
const { apply, hasOwn, isArray, DateNow, StringPrototypeIndexOf, StringPrototypeStartsWith, StringPrototypeEndsWith, JSONParse } = primordials;
const pid = process.pid;

export interface LoadCheckSettings {
  /** Directory the config's globs are relative to. */
  baseDir: string;
  /** Where cached results live (`<stateDir>/analysis-cache`). */
  cacheDir: string;
  exempt: readonly string[];
  requireGovernanceImport: readonly string[];
}

/** What the checker thread is asked: one module's source. */
export interface LoadCheckRequest {
  file: string;
  code: string;
  settings: LoadCheckSettings;
}

type Decide = (violation: CheckName, reason: string) => GovernanceDeniedError | null;

/** The cache's directory in the state dir (protected from the program's writes, hooks/log-files.ts). */
export const ANALYSIS_CACHE = 'analysis-cache';
const SOURCE_EXTENSIONS = ['.js', '.cjs', '.mjs', '.ts', '.cts', '.mts', '.jsx', '.tsx'];
/** Bumped when the checker's findings could change for the same bytes. */
const CACHE_VERSION = '1';
const THREAD_SCRIPT = join(__dirname, 'load-check-thread.js');
const WAIT_LIMIT_MS = 60_000;
const WAIT_SLICE_MS = 200;

interface CheckerThread {
  worker: InstanceType<typeof Worker>;
  port: InstanceType<typeof MessageChannel>['port1'];
  counter: Int32Array;
}

let thread: CheckerThread | null = null;
let threadProblem = 'the checker thread was not started';

/**
 * Starts the checker thread; at activation, before user code runs, so that nothing the program changed takes part.
 * Without a thread (e.g. Node's permission model without --allow-worker) every uncached module fails its check.
 */
export function startLoadCheckThread(): void {
  if (thread !== null) return;
  const counter = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  const { port1, port2 } = new MessageChannel();
  try {
    // No preload in the thread: none in its execArgv, and no NODE_OPTIONS (a worker reads it from its env).
    const worker = new Worker(THREAD_SCRIPT, { execArgv: [], env: {}, workerData: { port: port2, signal: counter.buffer }, transferList: [port2] });
    worker.on('error', (error: Error) => { threadProblem = `the checker thread failed: ${error.message}`; });
    markOwnThread(worker); // the program can obtain the Worker (own-threads.ts)
    worker.unref();
    port1.unref();
    thread = { worker, port: port1, counter };
  } catch (error) {
    port1.close();
    threadProblem = `the checker thread could not start: ${(error as Error).message}`;
  }
}

export function isCheckedModule(target: string): boolean {
  if (!StringPrototypeStartsWith(target, '/') || StringPrototypeIndexOf(target, '/node_modules/') >= 0) return false;
  for (let i = 0; i < SOURCE_EXTENSIONS.length; i++) if (StringPrototypeEndsWith(target, SOURCE_EXTENSIONS[i])) return true;
  return false;
}

/** Checks the module at `file` and decides each finding; returns the first blocking error, if any. */
export function checkModuleAtLoad(file: string, settings: LoadCheckSettings, decide: Decide): GovernanceDeniedError | null {
  let code: string;
  try {
    code = readFileSync(file, 'utf8');
  } catch {
    return null; // Node reports a missing or unreadable module itself.
  }
  let firstError: GovernanceDeniedError | null = null;
  const findings = findingsOf(file, code, settings);
  for (let i = 0; i < findings.length; i++) {
    const finding = findings[i];
    const error = decide(finding.category, `${finding.rule} at ${finding.file}:${finding.line}:${finding.column}: ${finding.message}`);
    if (firstError === null) firstError = error;
  }
  return firstError;
}

function findingsOf(file: string, code: string, settings: LoadCheckSettings): Finding[] {
  const cacheFile = resolve(settings.cacheDir, `${cacheKey(file, code)}.json`);
  try {
    const cached = JSONParse(readFileSync(cacheFile, 'utf8')) as unknown;
    if (isArray(cached)) return cached as Finding[];
  } catch {
    // Not cached yet.
  }
  const json = askThread({ file, code, settings });
  try {
    mkdirSync(settings.cacheDir, { recursive: true });
    const temporary = `${cacheFile}.${pid}.tmp`;
    writeFileSync(temporary, json);
    renameSync(temporary, cacheFile);
  } catch {
    // The cache only saves time.
  }
  return JSONParse(json) as Finding[];
}

/** crypto.hash where Node has it (20.12+): createHash's objects lead to methods the program can replace. */
function cacheKey(file: string, code: string): string {
  const text = `${CACHE_VERSION}\0${file}\0${code}`;
  return oneShotHash !== undefined ? oneShotHash('sha256', text) : createHash('sha256').update(text).digest('hex');
}

/** The findings for `request` as JSON text, from the checker thread; throws when it cannot answer. */
function askThread(request: LoadCheckRequest): string {
  const t = thread;
  if (t === null) throw new Error(`load-time check unavailable: ${threadProblem}`);
  apply(portPostMessage, t.port, [request]);
  const deadline = DateNow() + WAIT_LIMIT_MS;
  for (;;) {
    const seen = load(t.counter, 0);
    const reply = receiveMessageOnPort(t.port);
    if (reply !== undefined) return replyText(reply.message);
    // Node sets threadId to -1 once a worker has stopped.
    if (apply(threadIdOf, t.worker, []) === -1) throw new Error(`load-time check unavailable: ${threadProblem}`);
    const left = deadline - DateNow();
    if (left <= 0) throw new Error(`the load-time checker has not answered for ${WAIT_LIMIT_MS / 1000} s`);
    wait(t.counter, 0, seen, left < WAIT_SLICE_MS ? left : WAIT_SLICE_MS);
  }
}

/** The thread answers a string (the findings) or `{ error }`; only its own properties count. */
function replyText(message: unknown): string {
  if (typeof message === 'string') return message;
  const error = typeof message === 'object' && message !== null && hasOwn(message, 'error') ? (message as { error: unknown }).error : 'no detail';
  throw new Error(`the load-time checker failed: ${error as string}`);
}
