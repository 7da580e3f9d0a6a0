// Redaction must leave no copy of the old text in the database file. Writers split B-tree pages as the log
// grows; a split that left a copy of a row in the unused space of a page kept it after the row was redacted
// (found with the first entries of a log: the root page's split). Every writer connection now zeroes such space.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { redactEntries } from '../../src/audit/redact';
import { cleanup, makeLog, verify } from './helpers';

afterAll(cleanup);

const target = (seq: number): string => `/data/file-${String(seq).padStart(4, '0')}.csv`;

describe('redaction leaves no copy of the text in the file', () => {
  it('for entries written before and after the first page splits', () => {
    const log = makeLog({ entries: 120, batch: 10 });
    for (const seq of [1, 3, 9, 17, 40, 77, 119]) {
      expect(readFileSync(log.dbPath).includes(target(seq))).toBe(true);
      redactEntries({ dbPath: log.dbPath, keyDir: log.keyDir, seq, reason: `erasure of ${seq}` });
      expect(readFileSync(log.dbPath).includes(target(seq))).toBe(false);
    }
    expect(verify(log)).toMatchObject({ valid: true, redacted: 7, issues: [] });
  });
});
