// Worker thread of a parallel verification: verifies the chunks it is sent, with its own read-only
// connection, and posts each result back, waking the verifying thread through shared memory.
import { workerData, type MessagePort } from 'node:worker_threads';
import { openDatabase, type AuditDatabase } from './schema';
import { verifyChunk, type ChunkSetup, type ChunkTask } from './verify-chunk';

interface VerifyThreadData { dbPath: string; setup: ChunkSetup; signal: SharedArrayBuffer; port: MessagePort }

const { dbPath, setup, signal, port } = workerData as VerifyThreadData;
const posted = new Int32Array(signal);
// A connection that cannot be opened is reported with each task, so the verifying thread falls back at once.
let db: AuditDatabase | null = null;
let openError = '';
try {
  db = openDatabase(dbPath, { readonly: true });
} catch (error) {
  openError = (error as Error).message;
}

function reply(message: unknown): void {
  port.postMessage(message);
  Atomics.add(posted, 0, 1);
  Atomics.notify(posted, 0);
}

port.on('message', (task: ChunkTask | null) => {
  if (task === null) {
    db?.close();
    port.close();
    return;
  }
  try {
    if (!db) throw new Error(`cannot open ${dbPath}: ${openError}`);
    reply(verifyChunk(db, setup, task));
  } catch (error) {
    reply({ index: task.index, error: (error as Error).message });
  }
});
