// Shared between the calling thread (threaded-writer), the audit writer thread (writer-thread) and the
// writer's queue (writer).
import type { PendingEntry } from './types';

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

/**
 * In a batch, a string field equal to the same field of the entry before it crosses as REPEAT: serialising and
 * copying `true` costs much less than a string. PendingEntry fields are strings, numbers or null, never booleans.
 */
const REPEAT = true;
/** Offsets in an entry's fields of those that usually repeat: actor, action, decision, ruleId, level, reason, caller, violation. */
const REPEATABLE = [2, 3, 5, 6, 7, 8, 9, 10];

/**
 * Appends the fields of `e` to a batch with repeats marked. `last` holds the fields of the entry before it
 * (empty at the start of a batch) and is updated.
 */
export function flattenWithRepeats(e: PendingEntry, fields: unknown[], last: unknown[]): void {
  const at = fields.length;
  flattenEntry(e, fields);
  if (at === 0) last.length = 0;
  for (let i = 0; i < REPEATABLE.length; i++) {
    const k = REPEATABLE[i];
    const value = fields[at + k];
    if (typeof value === 'string' && value === last[k]) fields[at + k] = REPEAT;
    else last[k] = value;
  }
}

/** Replaces the repeats marked in a batch by the values they stand for, in place. */
export function expandRepeats(fields: unknown[]): void {
  for (let at = ENTRY_FIELDS; at < fields.length; at += ENTRY_FIELDS) {
    for (let i = 0; i < REPEATABLE.length; i++) {
      const k = at + REPEATABLE[i];
      if (fields[k] === REPEAT) fields[k] = fields[k - ENTRY_FIELDS];
    }
  }
}

export type ThreadMessage =
  /** `fields`: the batch's entries, flattened with repeats marked (flattenWithRepeats). */
  | { type: 'batch'; id: number; fields: unknown[] }
  | { type: 'close'; id: number };
