// A worker thread of checkFilesInParallel: builds the run's plan once (its own module index),
// then checks each batch of files it is sent and replies with their outcomes.
import { parentPort, workerData } from 'node:worker_threads';
import type { CheckOptions } from '../types';
import { checkSourceFiles, makePlan, type FileOutcome } from './check-file';

export interface WorkerSetup {
  options: CheckOptions;
}

export interface BatchRequest {
  batch: number;
  /** content null: over MAX_FILE_BYTES, not read. */
  files: Array<{ absolute: string; workTree: boolean; content: Uint8Array | null }>;
}

export type BatchReply = { batch: number; outcomes: FileOutcome[] } | { batch: number; error: string };

function serve(port: NonNullable<typeof parentPort>, setup: WorkerSetup): void {
  const plan = makePlan(setup.options, true);
  port.on('message', ({ batch, files }: BatchRequest) => {
    let reply: BatchReply;
    try {
      const batchFiles = files.map(({ absolute, workTree, content }) => ({ absolute, workTree, read: () => (content ? Buffer.from(content.buffer, content.byteOffset, content.byteLength) : null) }));
      const outcomes = checkSourceFiles(plan, batchFiles);
      reply = { batch, outcomes };
    } catch (error) {
      reply = { batch, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    }
    port.postMessage(reply);
  });
}

if (parentPort) serve(parentPort, workerData as WorkerSetup);
