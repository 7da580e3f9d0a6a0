// Entries decided after the log closed at exit (the program's own 'exit' listeners run after governance's).
import Database from '../../src/audit/sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { openAuditWriter } from '../../src/audit/index';
import { withLateEntries } from '../../src/audit/late-writer';
import { cleanup, entry, makeLog, verify } from './helpers';

afterAll(cleanup);

function rows(dbPath: string, sql: string): number {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare(sql).pluck().get() as number;
  } finally {
    db.close();
  }
}

describe('withLateEntries', () => {
  it('commits each entry that comes after close at once, under a signed checkpoint of its own', () => {
    const log = makeLog({ entries: 0 });
    const options = { dbPath: log.dbPath, keyDir: log.keyDir };
    const w = withLateEntries(openAuditWriter(options), options);
    w.append(entry(1));
    w.close();
    expect(rows(log.dbPath, 'SELECT count(*) FROM entries')).toBe(1);
    const checkpointsAtClose = rows(log.dbPath, 'SELECT count(*) FROM checkpoints');

    w.append(entry(2));
    expect(rows(log.dbPath, 'SELECT count(*) FROM entries')).toBe(2); // no timer runs at exit: committed now
    w.appendDurable(entry(3, { decision: 'deny' }));
    expect(rows(log.dbPath, 'SELECT count(*) FROM checkpoints')).toBe(checkpointsAtClose + 2);
    expect(verify(log)).toMatchObject({ valid: true, entries: 3, issues: [] });
  });

  it('closes the late writer on a second close (process.exit ends with reallyExit), and opens another if needed', () => {
    const log = makeLog({ entries: 0 });
    const options = { dbPath: log.dbPath, keyDir: log.keyDir };
    const w = withLateEntries(openAuditWriter(options), options);
    w.close();
    w.append(entry(1));
    w.close();
    w.close();
    w.append(entry(2));
    w.flush(); // a no-op once closed: late entries are already committed
    expect(verify(log)).toMatchObject({ valid: true, entries: 2, issues: [] });
  });
});
