// Batches cross to the audit writer thread with repeated fields marked; expanded, they must be exactly the
// flattened entries, whatever repeats (same string objects, equal strings made apart, nulls, changes).
import { describe, expect, it } from 'vitest';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { ENTRY_FIELDS, expandRepeats, flattenEntry, flattenWithRepeats } from '../../src/audit/writer-thread-protocol';
import type { PendingEntry } from '../../src/audit/index';
import { entry } from './helpers';

let seed = 7;
function rnd(n: number): number {
  seed = (Math.imul(seed, 1664525) + 1013904223) | 0;
  return (seed >>> 8) % n;
}

function randomEntry(i: number): PendingEntry {
  const pick = <T>(...values: T[]): T => values[rnd(values.length)];
  return entry(i, {
    actor: pick('alice', 'bob', ['a', 'lice'].join('')), action: pick('file_read', 'file_write'), decision: pick('allow', 'deny'),
    ruleId: pick<string | null>(null, 'read', 'null'), reason: pick('rule read allows', ''), caller: pick<string | null>(null, '/app/main.js:3'),
    violation: pick<PendingEntry['violation']>(null, 'synthetic_data'), pid: pick(1, 2), target: pick('/data/a', '/data/b'),
  });
}

/** The batch as the thread receives it: through a real MessagePort (structured clone). */
function sent(fields: unknown[]): unknown[] {
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(fields);
  const received = receiveMessageOnPort(port2)!.message as unknown[];
  port1.close();
  return received;
}

describe('batches with repeats marked', () => {
  it('expand to exactly the flattened entries, over several batches (the marks never reach into the batch before)', () => {
    const last: unknown[] = [];
    let marked = 0;
    for (let b = 0; b < 20; b++) {
      const entries = Array.from({ length: 1 + rnd(300) }, (_, i) => randomEntry(b * 1000 + i));
      const plain: unknown[] = [];
      const withRepeats: unknown[] = [];
      for (const e of entries) {
        flattenEntry(e, plain);
        flattenWithRepeats(e, withRepeats, last);
      }
      marked += withRepeats.filter((v) => v === true).length;
      expect(withRepeats.slice(0, ENTRY_FIELDS)).toEqual(plain.slice(0, ENTRY_FIELDS));
      const received = sent(withRepeats);
      expandRepeats(received);
      expect(received).toEqual(plain);
    }
    expect(marked).toBeGreaterThan(1000);
  });
});
