// checkFiles spread over worker threads: the files are discovered and read here, checked in batches by
// `jobs` threads (each with its own module index, all reading the same files), and the
// outcomes are put back in input order, so the result is the one checkFiles gives.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CheckOptions, CheckResult } from './types';
import { assembleResult, checkSourceFiles, makePlan, type FileOutcome } from './engine/check-file';
import type { BatchReply, BatchRequest, WorkerSetup } from './engine/check-worker';
import { discoverFiles, type SourceFile } from './engine/discover';

const WORKER_SCRIPT = join(__dirname, 'engine', 'check-worker.js');
/** A thread takes about 0.1-0.2 s to load the parser; below this many files per thread it does not pay. */
const MIN_FILES_PER_THREAD = 32;
const MAX_THREADS = 8;
/**
 * Each thread gets about this many batches of neighbouring files: few enough that a thread mostly checks files
 * of the same packages (whose dependencies its module index has summarised already), enough to even out.
 */
const BATCHES_PER_THREAD = 4;
const MIN_BATCH_FILES = 16;
const MAX_BATCH_BYTES = 8 * 1024 * 1024;

/**
 * One thread per core but one, at most MAX_THREADS: a run on one thread already keeps about one more core busy
 * with V8's background compiling and garbage collection (on 2 cores, 2 workers were no faster than 1 thread).
 */
export function defaultJobs(): number {
  return Math.max(1, Math.min(availableParallelism() - 1, MAX_THREADS));
}

function runOnThreads(files: readonly SourceFile[], options: CheckOptions, threads: number): Promise<FileOutcome[]> {
  const outcomes: FileOutcome[] = new Array(files.length);
  const batchFiles = Math.max(MIN_BATCH_FILES, Math.ceil(files.length / (threads * BATCHES_PER_THREAD)));
  const batches = new Map<number, number[]>();
  const workers: Worker[] = [];
  let next = 0;
  let done = 0;

  const nextBatch = (): BatchRequest | null => {
    if (next >= files.length) return null;
    const indexes: number[] = [];
    const request: BatchRequest = { batch: next, files: [] };
    let bytes = 0;
    while (next < files.length && indexes.length < batchFiles && bytes < MAX_BATCH_BYTES) {
      const file = files[next] as SourceFile;
      const content = file.read();
      request.files.push({ absolute: file.absolute, workTree: file.workTree, content });
      indexes.push(next++);
      bytes += content?.length ?? 0;
    }
    batches.set(request.batch, indexes);
    return request;
  };

  return new Promise((resolvePromise, reject) => {
    let settled = false;
    const stop = (error?: Error): void => {
      if (settled) return;
      settled = true;
      for (const worker of workers) void worker.terminate();
      if (error) reject(error);
      else resolvePromise(outcomes);
    };
    const feed = (worker: Worker): void => {
      const request = nextBatch();
      if (request) worker.postMessage(request);
    };
    const onReply = (worker: Worker, reply: BatchReply): void => {
      if ('error' in reply) return stop(new Error(`a check thread failed: ${reply.error}`));
      const indexes = batches.get(reply.batch) ?? [];
      reply.outcomes.forEach((outcome, position) => (outcomes[indexes[position] as number] = outcome));
      done += indexes.length;
      if (done === files.length) return stop();
      feed(worker);
    };
    const setup: WorkerSetup = { options };
    for (let thread = 0; thread < threads; thread++) {
      const worker = new Worker(WORKER_SCRIPT, { workerData: setup, execArgv: [] });
      workers.push(worker);
      worker.on('message', (reply: BatchReply) => onReply(worker, reply));
      worker.on('error', (error) => stop(error));
      worker.on('exit', (code) => {
        if (done < files.length) stop(new Error(`a check thread exited with code ${code} before the run was done`));
      });
      feed(worker);
    }
  });
}

/**
 * checkFiles on up to `jobs` worker threads (default: one per core but one). Small runs, and runs from the TypeScript
 * sources (the thread needs the compiled package), stay on this thread. The result equals checkFiles'.
 */
export async function checkFilesInParallel(paths: readonly string[], options: CheckOptions = {}, jobs = defaultJobs()): Promise<CheckResult> {
  const started = performance.now();
  const plan = makePlan(options, true);
  const files = discoverFiles(paths, { cwd: plan.cwd, staged: options.staged === true });
  const threads = Math.min(jobs, Math.floor(files.length / MIN_FILES_PER_THREAD));
  const outcomes =
    threads < 2 || !existsSync(WORKER_SCRIPT) ? checkSourceFiles(plan, files) : await runOnThreads(files, { ...options, cwd: plan.cwd }, threads);
  return assembleResult(outcomes, started);
}
