// The audit writer of a governed process. It starts inline (./writer on this thread: nothing extra for a
// short program), and once the process has queued THREAD_AFTER entries it moves the commits to a worker
// thread, so the calling thread only flattens each entry into an array and hands over a batch every BATCH
// entries; hashing, encoding and SQLite run on another core. Denials and flushes wait on shared memory until
// the thread has committed them, so they are as durable on return as inline. The backlog is bounded: past
// MAX_BATCHES_IN_FLIGHT the caller waits for the thread (back-pressure, never dropped entries).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import workerThreads = require('node:worker_threads');
import { defaultOnError, openAuditWriter } from './writer';
import { ENTRY_FIELDS, flattenWithRepeats, PHASE, SLOT, SLOTS, type ThreadMessage } from './writer-thread-protocol';
import type { AuditWriter, AuditWriterOptions, PendingEntry } from './types';
import { primordials } from '../primordials';
import { markOwnThread } from '../own-threads';

// Captured before the hooks govern worker_threads: this thread is ours, not a user worker.
const { Worker, MessageChannel, receiveMessageOnPort } = workerThreads;
const { setTimeout: setTimer, clearTimeout: clearTimer } = globalThis;
const { load, wait } = Atomics;
// Batches travel through a channel of their own, with this method: captured, so a replaced postMessage cannot drop
// them. Not through the Worker, which the program can obtain (own-threads.ts): a batch it posted there was committed,
// chained and signed like any other (a forged `approved` entry passed `audit verify` until 2026-11-23).
const postMessage = workerThreads.MessagePort.prototype.postMessage;
// And it is stopped with this one: the hooks' terminate() first asks a governed worker to commit its entries.
const terminate = Worker.prototype.terminate;
// Read while a denial waits for its commit, inside the decision: a getter the program put on Worker.prototype would
// run there, where the kernel lets calls through as governance's own (a denied write went through until 2026-11-23).
const threadIdOf = primordials.getOwnPropertyDescriptor(Worker.prototype, 'threadId')?.get;
const { apply } = Reflect;
const { newList } = primordials;
const dateNow = Date.now;

const THREAD_SCRIPT = join(__dirname, 'writer-thread.js');
const THREAD_AFTER = 4096;
const BATCH = 1024;
const FLUSH_DELAY_MS = 10;
const MAX_BATCHES_IN_FLIGHT = 64;
const WAIT_LIMIT_MS = 60_000;
const WAIT_SLICE_MS = 200;

interface WriterThread {
  worker: InstanceType<typeof Worker>;
  state: Int32Array;
  errors: InstanceType<typeof MessageChannel>['port1'];
  batches: InstanceType<typeof MessageChannel>['port1'];
}

function environmentWithoutNodeOptions(): Record<string, string | undefined> {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return env;
}

function startThread(options: AuditWriterOptions): WriterThread | null {
  const state = new Int32Array(new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT));
  const { port1, port2 } = new MessageChannel();
  const batches = new MessageChannel();
  try {
    // Without a prototype: the thread starts inside a decision, and Node reads options this object does not have
    // (name, resourceLimits, stdin...), which a getter on Object.prototype would answer by running program code there.
    const worker = new Worker(THREAD_SCRIPT, {
      __proto__: null,
      // No preload runs in the thread: none in its execArgv, and no NODE_OPTIONS, which a worker reads from its env.
      execArgv: [],
      env: environmentWithoutNodeOptions(),
      workerData: { options: { ...options, onError: undefined }, state: state.buffer, errors: port2, batches: batches.port2 },
      transferList: [port2, batches.port2],
    } as workerThreads.WorkerOptions);
    markOwnThread(worker);
    worker.unref();
    port1.unref();
    batches.port1.unref();
    return { worker, state, errors: port1, batches: batches.port1 };
  } catch {
    // e.g. Node's permission model without --allow-worker: stay inline.
    port1.close();
    batches.port1.close();
    return null;
  }
}

/** Messages the thread sent about failures, read synchronously. */
function threadErrors(thread: WriterThread): string {
  const messages: string[] = [];
  for (let m = receiveMessageOnPort(thread.errors); m !== undefined; m = receiveMessageOnPort(thread.errors)) messages.push(String(m.message));
  return messages.length ? messages.join('; ') : 'no detail';
}

export function openThreadedAuditWriter(options: AuditWriterOptions): AuditWriter {
  const inline = openAuditWriter(options);
  if (options.durability === 'strict' || !existsSync(THREAD_SCRIPT)) return inline;
  const onError = options.onError ?? defaultOnError;

  let queued = 0;
  let closed = false;
  let thread: WriterThread | null = null;
  let running = false; // commits go to the thread
  let fields = newList<unknown>();
  const lastFields = newList<unknown>();
  let posted = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  /** When the oldest entry not yet handed to the thread was queued (while timer is set). */
  let queuedAt = 0;

  /** Switches to the thread once it is ready; false while it is starting (or could not start). */
  function threadReady(): boolean {
    if (thread === null) return false;
    const phase = load(thread.state, SLOT.phase);
    if (phase === PHASE.starting) return false;
    if (phase !== PHASE.ready) {
      onError(new Error(`the audit writer thread could not open the log (${threadErrors(thread)}); writing on the calling thread`));
      void apply(terminate, thread.worker, []);
      thread = null;
      return false;
    }
    inline.flush(); // everything queued inline is committed before the thread's first batch
    inline.close();
    running = true;
    return true;
  }

  function waitFor(id: number): void {
    const t = thread!;
    const deadline = dateNow() + WAIT_LIMIT_MS;
    for (;;) {
      const committed = load(t.state, SLOT.committed);
      if (committed >= id) return;
      if (load(t.state, SLOT.failed) !== 0) throw new Error(`the audit writer thread could not commit: ${threadErrors(t)}`);
      if (load(t.state, SLOT.phase) === PHASE.closed) throw new Error('the audit writer thread is closed');
      // Node sets threadId to -1 once a worker has stopped, before its 'exit' event can reach this busy thread.
      if (threadIdOf !== undefined && apply(threadIdOf, t.worker, []) === -1) throw new Error(`the audit writer thread stopped: ${threadErrors(t)}`);
      const left = deadline - dateNow();
      if (left <= 0) throw new Error(`the audit writer thread has not committed for ${WAIT_LIMIT_MS / 1000} s`);
      wait(t.state, SLOT.committed, committed, left < WAIT_SLICE_MS ? left : WAIT_SLICE_MS);
    }
  }

  /** Hands the pending entries to the thread; returns the id of the last batch handed over. */
  function post(): number {
    if (timer !== null) { clearTimer(timer); timer = null; }
    if (fields.length === 0) return posted;
    // Nothing that can throw after the message is handed over (a call can, on an exhausted stack): the batch is
    // either posted once or still queued, never lost or posted twice.
    const next = newList<unknown>();
    const message: ThreadMessage = { type: 'batch', id: posted + 1, fields };
    apply(postMessage, thread!.batches, [message]);
    posted = message.id;
    fields = next;
    if (posted - load(thread!.state, SLOT.committed) > MAX_BATCHES_IN_FLIGHT) waitFor(posted - MAX_BATCHES_IN_FLIGHT);
    return posted;
  }

  function postInBackground(): void {
    try {
      post();
    } catch (error) {
      onError(error as Error);
    }
  }

  function enqueue(entry: PendingEntry): void {
    flattenWithRepeats(entry, fields, lastFields);
    if (fields.length >= BATCH * ENTRY_FIELDS) post();
    else if (timer === null) {
      queuedAt = dateNow();
      timer = setTimer(postInBackground, FLUSH_DELAY_MS);
      timer.unref();
    } else if (dateNow() - queuedAt >= FLUSH_DELAY_MS) {
      postInBackground(); // a busy thread never lets the timer run
    }
  }

  return {
    append(entry: PendingEntry): void {
      if (closed) return inline.append(entry); // reports the entry it cannot write
      if (running || threadReady()) return enqueue(entry);
      inline.append(entry);
      if (++queued === THREAD_AFTER) thread = startThread(options);
    },
    appendDurable(entry: PendingEntry): void {
      if (closed || (!running && !threadReady())) return inline.appendDurable(entry);
      flattenWithRepeats(entry, fields, lastFields);
      waitFor(post());
    },
    flush(): void {
      if (running) waitFor(post());
      else inline.flush();
    },
    close(): void {
      if (closed) return;
      closed = true;
      if (!running) {
        if (thread !== null) void apply(terminate, thread.worker, []);
        return inline.close();
      }
      running = false;
      post();
      const message: ThreadMessage = { type: 'close', id: ++posted };
      apply(postMessage, thread!.batches, [message]);
      waitFor(posted);
      void apply(terminate, thread!.worker, []);
    },
  };
}
