// Shared between the calling thread (threaded-writer), the audit writer thread (writer-thread) and the
// writer's queue (writer). Imports nothing of ours at run time: the preload entry loads it to stay inactive in that thread.
import workerThreads = require('node:worker_threads');
import type { PendingEntry } from './types';

/** workerData key that marks Node's worker as our audit writer thread (the worker hook refuses it in user workers). */
export const WRITER_THREAD_MARK = '@mltrainer/governance:audit-writer';

/** Slots of the Int32Array over the shared state buffer. */
export const SLOT = {
  /** Lifecycle, one of PHASE. */
  phase: 0,
  /** Id of the last batch the thread has committed (batch ids count up from 1). */
  committed: 1,
  /** Id of the first batch the thread could not commit, 0 while none. */
  failed: 2,
} as const;
export const SLOTS = 3;

export const PHASE = { starting: 0, ready: 1, closed: 2, broken: 3 } as const;

/** Fields of one entry in a batch, flattened in the order of flattenEntry (no object per entry crosses the thread or waits in a queue). */
export const ENTRY_FIELDS = 11;

/** Appends the fields of `e` to `fields`: ts, pid, actor, action, target, decision, ruleId, level, reason, caller, violation. */
export function flattenEntry(e: PendingEntry, fields: unknown[]): void {
  let n = fields.length;
  fields[n++] = e.ts; fields[n++] = e.pid; fields[n++] = e.actor; fields[n++] = e.action; fields[n++] = e.target; fields[n++] = e.decision;
  fields[n++] = e.ruleId; fields[n++] = e.level; fields[n++] = e.reason; fields[n++] = e.caller; fields[n] = e.violation;
}

export type ThreadMessage =
  | { type: 'batch'; id: number; fields: unknown[] }
  | { type: 'close'; id: number };

/** True in our audit writer thread, where the preload must stay inactive. */
export function isAuditWriterThread(): boolean {
  if (workerThreads.isMainThread) return false;
  const data: unknown = workerThreads.workerData;
  return typeof data === 'object' && data !== null && (data as Record<string, unknown>)[WRITER_THREAD_MARK] === true;
}
