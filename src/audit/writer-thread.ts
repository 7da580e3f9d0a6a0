// The audit writer thread: commits the batches a busy process hands over, with the same writer the process
// uses inline (same format, same checkpoints, its own connection ordered by BEGIN IMMEDIATE), and publishes
// its progress in shared memory so that the calling thread can wait for a commit without its event loop.
import { workerData, type MessagePort } from 'node:worker_threads';
import { openAuditWriter, type BatchAuditWriter } from './writer';
import { expandRepeats, PHASE, SLOT, type ThreadMessage } from './writer-thread-protocol';
import type { AuditWriterOptions } from './types';

interface WriterThreadData {
  options: AuditWriterOptions;
  state: SharedArrayBuffer;
  errors: MessagePort;
  /** The only port batches are taken from: the program can post to this thread's parentPort (own-threads.ts). */
  batches: MessagePort;
}

const { options, state: buffer, errors, batches } = workerData as WriterThreadData;
const state = new Int32Array(buffer);

function publish(slot: number, value: number): void {
  Atomics.store(state, slot, value);
  Atomics.notify(state, slot);
  // Waiters sleep on the committed slot; wake them for every change.
  if (slot !== SLOT.committed) Atomics.notify(state, SLOT.committed);
}

function report(error: unknown): void {
  errors.postMessage((error as Error)?.message ?? String(error));
}

function handle(writer: BatchAuditWriter, message: ThreadMessage): void {
  if (message.type === 'batch') {
    expandRepeats(message.fields);
    writer.commitBatch(message.fields);
  }
  else writer.close();
  Atomics.store(state, SLOT.failed, 0);
  publish(SLOT.committed, message.id);
  if (message.type === 'close') publish(SLOT.phase, PHASE.closed);
}

function start(): void {
  let writer: BatchAuditWriter;
  try {
    writer = openAuditWriter({ ...options, onError: report });
  } catch (error) {
    report(error);
    publish(SLOT.phase, PHASE.broken);
    return;
  }
  publish(SLOT.phase, PHASE.ready);
  batches.on('message', (message: ThreadMessage) => {
    try {
      handle(writer, message);
    } catch (error) {
      // The writer keeps the entries queued and retries them with the next batch.
      report(error);
      publish(SLOT.failed, message.id);
    }
  });
}

start();
