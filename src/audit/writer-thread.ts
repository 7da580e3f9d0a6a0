// The audit writer thread: commits the batches a busy process hands over, with the same writer the process
// uses inline (same format, same checkpoints, its own connection ordered by BEGIN IMMEDIATE), and publishes
// its progress in shared memory so that the calling thread can wait for a commit without its event loop.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { openAuditWriter } from './writer';
import { ENTRY_FIELDS, PHASE, SLOT, type ThreadMessage } from './writer-thread-protocol';
import type { AuditWriter, AuditWriterOptions, PendingEntry } from './types';

interface WriterThreadData {
  options: AuditWriterOptions;
  state: SharedArrayBuffer;
  errors: MessagePort;
}

const { options, state: buffer, errors } = workerData as WriterThreadData;
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

function entryAt(f: unknown[], i: number): PendingEntry {
  return {
    ts: f[i] as number, pid: f[i + 1] as number, actor: f[i + 2] as string, action: f[i + 3] as string, target: f[i + 4] as string,
    decision: f[i + 5] as PendingEntry['decision'], ruleId: f[i + 6] as string | null, level: f[i + 7] as PendingEntry['level'],
    reason: f[i + 8] as string, caller: f[i + 9] as string | null, violation: f[i + 10] as PendingEntry['violation'],
  };
}

function handle(writer: AuditWriter, message: ThreadMessage): void {
  if (message.type === 'batch') {
    const { fields } = message;
    for (let i = 0; i < fields.length; i += ENTRY_FIELDS) writer.append(entryAt(fields, i));
    writer.flush();
  } else {
    writer.close();
  }
  Atomics.store(state, SLOT.failed, 0);
  publish(SLOT.committed, message.id);
  if (message.type === 'close') publish(SLOT.phase, PHASE.closed);
}

function start(): void {
  let writer: AuditWriter;
  try {
    writer = openAuditWriter({ ...options, onError: report });
  } catch (error) {
    report(error);
    publish(SLOT.phase, PHASE.broken);
    return;
  }
  publish(SLOT.phase, PHASE.ready);
  parentPort!.on('message', (message: ThreadMessage) => {
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
