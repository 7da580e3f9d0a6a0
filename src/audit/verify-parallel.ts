// Full verification spread over worker threads. The entries are cut into chunks that end at multiples of a
// power of two; threads verify chunks (verify-chunk.ts) while this thread hands them out and waits on shared
// memory, so the verifier stays synchronous. The results are put together in seq order: each chunk's first
// entry must be chained to the previous chunk's last leaf, the chunk subtrees are folded into the tree, the
// stored nodes above each chunk and the signed roots at checkpoint sizes are checked here. This gives the
// single-threaded result exactly when the rows are numbered without gaps and the stored leaf at every chunk
// boundary is the recomputed one; otherwise (a tampered log) the caller verifies on one thread instead.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import workerThreads = require('node:worker_threads');
import { HexFrontier } from './merkle';
import type { Expectations, Issues, RedactionMarkerRef, RedactionRecordRef, StreamStart } from './verify-core';
import { NODE_MISMATCH_DETAIL } from './verify-rows';
import type { ChunkResult, ChunkSetup, ChunkTask } from './verify-chunk';

const { Worker, MessageChannel, receiveMessageOnPort } = workerThreads;

const WORKER_SCRIPT = join(__dirname, 'verify-worker.js');
/** 2^16 entries: about a third of a second of one core, and few enough messages. */
export const CHUNK_SIZE = 65536;
const MAX_THREADS = 8;
const TASKS_IN_FLIGHT = 2;
/** A thread that sends nothing for this long is taken as failed (it may have died before it could report). */
const IDLE_LIMIT_MS = 30_000;

export function defaultThreads(): number {
  return Math.min(availableParallelism(), MAX_THREADS);
}

/** Set on `process` by activation (src/activate.ts). */
const GOVERNANCE_ACTIVE = Symbol.for('@mltrainer/governance.active');

/**
 * Whether threads are worth starting for `entries` entries (each takes tens of milliseconds to start). Not in
 * a governed process: there a thread would be a governed worker carrying the preload, deciding and auditing
 * its own reads of the log it verifies.
 */
export function worthThreads(threads: number, entries: number, chunkSize: number): boolean {
  const governed = (process as unknown as Record<symbol, unknown>)[GOVERNANCE_ACTIVE] !== undefined;
  return threads > 1 && !governed && entries >= 2 * chunkSize && existsSync(WORKER_SCRIPT);
}

/** Number of frontier hashes above the chunk level: one per set bit of size / chunkSize. */
function chunkLevelCount(size: number, chunkSize: number): number {
  let bits = 0;
  for (let n = Math.floor(size / chunkSize); n > 0; n = Math.floor(n / 2)) bits += n % 2;
  return bits;
}

export function planChunks(start: StreamStart, end: number, chunkSize: number, sizes: readonly number[]): ChunkTask[] {
  const tasks: ChunkTask[] = [];
  const above = chunkLevelCount(start.size, chunkSize);
  for (let from = start.size; from < end;) {
    const to = Math.min(end, (Math.floor(from / chunkSize) + 1) * chunkSize);
    const first = tasks.length === 0;
    tasks.push({
      index: tasks.length, from, to,
      frontier: first ? start.frontier.hashes.slice(above) : [], frontierSize: first ? start.size % chunkSize : 0,
      prev: first ? start.prev : null, snapshots: sizes.filter((s) => s > from && s <= to), full: to % chunkSize === 0,
    });
    from = to;
  }
  return tasks;
}

/** The chunks' results in order, or null when the threads could not be started or failed. */
export function runChunks(dbPath: string, setup: ChunkSetup, tasks: readonly ChunkTask[], threads: number): ChunkResult[] | null {
  const signal = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  const workers: InstanceType<typeof Worker>[] = [];
  const ports: InstanceType<typeof MessageChannel>['port1'][] = [];
  let failed = false;
  try {
    for (let i = 0; i < Math.min(threads, tasks.length); i++) {
      const { port1, port2 } = new MessageChannel();
      ports.push(port1);
      workers.push(new Worker(WORKER_SCRIPT, { execArgv: [], workerData: { dbPath, setup, signal: signal.buffer, port: port2 }, transferList: [port2] }));
    }
  } catch {
    // e.g. Node's permission model without --allow-worker, or a governed process that denies worker_spawn.
    failed = true;
  }
  const results: ChunkResult[] = new Array(tasks.length);
  let next = 0;
  let received = 0;
  const send = (i: number): void => {
    if (next < tasks.length) ports[i].postMessage(tasks[next++]);
  };
  try {
    if (failed) return null;
    ports.forEach((_, i) => { for (let k = 0; k < TASKS_IN_FLIGHT; k++) send(i); });
    let lastNews = Date.now();
    while (received < tasks.length) {
      const seen = Atomics.load(signal, 0);
      let news = false;
      for (let i = 0; i < ports.length; i++) {
        for (let m = receiveMessageOnPort(ports[i]); m !== undefined; m = receiveMessageOnPort(ports[i])) {
          const r = m.message as ChunkResult | { error: string };
          if ('error' in r) { failed = true; return null; }
          results[r.index] = r;
          received++;
          news = true;
          send(i);
        }
      }
      if (news) lastNews = Date.now();
      else if (Date.now() - lastNews > IDLE_LIMIT_MS) { failed = true; return null; }
      else Atomics.wait(signal, 0, seen, 1000);
    }
    return results;
  } finally {
    for (const port of ports) {
      port.postMessage(null);
      port.close();
    }
    for (const worker of workers) {
      if (failed) void worker.terminate();
      worker.unref();
    }
  }
}

export interface CombinedChunks {
  size: number;
  root: string;
  redacted: number;
  markers: RedactionMarkerRef[];
  records: RedactionRecordRef[];
}

/**
 * The chunk results put together into `issues` and checked against `expectations`; null (and nothing
 * changed) when the shortcut would not be exact: rows missing or misnumbered, or a chunk boundary whose stored
 * leaf is not the recomputed one.
 */
export function combineChunks(results: readonly ChunkResult[], start: StreamStart, chunkSize: number, expectations: Expectations, issues: Issues): CombinedChunks | null {
  for (let k = 0; k < results.length; k++) {
    const r = results[k];
    if (!r.dense || (r.full && r.hashes.length !== 1) || (k > 0 && r.startPrev !== results[k - 1].lastLeaf)) return null;
  }
  const high = new HexFrontier(Math.floor(start.size / chunkSize), start.frontier.hashes.slice(0, chunkLevelCount(start.size, chunkSize)));
  const combined: CombinedChunks = { size: start.size, root: '', redacted: 0, markers: [], records: [] };
  let low: string[] = start.frontier.hashes.slice(high.hashes.length);
  let nodeMismatchSeen = false;
  for (const r of results) {
    for (const issue of r.issues) if (issue.code !== 'NODE_MISMATCH' || !nodeMismatchSeen) issues.list.push(issue);
    nodeMismatchSeen ||= r.nodeMismatchSeen;
    for (const s of r.snapshots) expectations.reach(s.size, new HexFrontier(s.size, [...high.hashes, ...s.hashes]).root(), s.chainHead);
    if (r.full) {
      const completed: string[] = [];
      high.push(r.hashes[0], completed);
      if (!nodeMismatchSeen && completed.join('') !== r.upperNodes) {
        nodeMismatchSeen = true;
        issues.add('NODE_MISMATCH', NODE_MISMATCH_DETAIL, r.to);
      }
      low = [];
    } else {
      low = r.hashes;
    }
    combined.size = r.to;
    combined.redacted += r.redacted;
    combined.markers.push(...r.markers);
    combined.records.push(...r.records);
  }
  combined.root = new HexFrontier(combined.size, [...high.hashes, ...low]).root();
  return combined;
}
