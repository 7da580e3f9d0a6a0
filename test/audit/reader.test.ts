// Queries, proofs, incremental verification, and getAuditLog() over a configured project.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getAuditLog, openAuditReader, openAuditWriter, verifyConsistency, verifyInclusion } from '../../src/audit/index';
import { appendMore, cleanup, entry, makeLog, tamper, tempDir, verify } from './helpers';

afterAll(cleanup);
const hex = (h: string): Buffer => Buffer.from(h, 'hex');

describe('queries', () => {
  const log = makeLog({ entries: 60 });
  const reader = openAuditReader(log.dbPath);
  afterAll(() => reader.close());

  it('filter by actor, action and decision, oldest first', () => {
    const denials = reader.query({ decision: 'deny', action: 'file_read', actor: 'alice' });
    expect(denials.length).toBeGreaterThan(0);
    expect(denials.every((e) => e.decision === 'deny' && e.action === 'file_read' && e.actor === 'alice')).toBe(true);
    expect(denials.map((e) => e.seq)).toEqual([...denials.map((e) => e.seq)].sort((a, b) => a - b));
    const expected = Array.from({ length: 60 }, (_, i) => entry(i + 1)).filter((e) => e.decision === 'deny' && e.action === 'file_read' && e.actor === 'alice');
    expect(denials.map((e) => e.target)).toEqual(expected.map((e) => e.target));
  });

  it('limit keeps the newest matches; since and until bound the timestamp', () => {
    expect(reader.query({ limit: 3 }).map((e) => e.seq)).toEqual([58, 59, 60]);
    const since = new Date(Date.UTC(2026, 0, 1) + 10).toISOString();
    const until = new Date(Date.UTC(2026, 0, 1) + 12).toISOString();
    expect(reader.query({ since, until }).map((e) => e.seq)).toEqual([10, 11, 12]);
  });

  it('reject bad filters with a clear error', () => {
    expect(() => reader.query({ decision: 'nope' as 'deny' })).toThrow(/decision must be one of/);
    expect(() => reader.query({ since: 'yesterday' })).toThrow(/since must be an ISO-8601 timestamp/);
    expect(() => reader.query({ limit: -1 })).toThrow(/limit must be a non-negative integer/);
  });

  it('inclusion proofs verify against the signed checkpoint root', () => {
    const cp = JSON.parse(reader.latestCheckpoint()!.body) as { size: number; root: string };
    for (const seq of [1, 17, 33, 60]) {
      const p = reader.getInclusionProof(seq, cp.size);
      expect(p.root).toBe(cp.root);
      expect(verifyInclusion(p.leafIndex, p.treeSize, hex(p.leafHash), p.path.map(hex), hex(cp.root))).toBe(true);
    }
    expect(() => reader.getInclusionProof(61)).toThrow(/seq must be an integer 1\.\.60/);
  });

  it('consistency proofs link every checkpoint to the newest', () => {
    const cps = reader.checkpoints().map((c) => JSON.parse(c.body) as { size: number; root: string });
    const newest = cps[cps.length - 1];
    for (const old of cps) {
      const p = reader.getConsistencyProof(old.size, newest.size);
      expect(verifyConsistency(old.size, newest.size, hex(old.root), hex(newest.root), p.path.map(hex))).toBe(true);
    }
  });
});

describe('incremental verification from a trusted checkpoint', () => {
  it('checks only the new entries, and still catches a change to them', () => {
    const log = makeLog({ entries: 30 });
    const reader = openAuditReader(log.dbPath);
    const since = reader.latestCheckpoint()!;
    reader.close();
    appendMore(log, 31, 20);
    expect(verify(log, { since })).toMatchObject({ valid: true, entries: 50, issues: [] });
    tamper(log.dbPath, (db) => db.prepare('UPDATE entries SET leaf = randomblob(32) WHERE seq = 5').run());
    expect(verify(log, { since }).valid).toBe(true); // entry 5 is vouched for by the trusted checkpoint, not re-read
    tamper(log.dbPath, (db) => db.prepare('UPDATE entries SET leaf = randomblob(32) WHERE seq = 40').run());
    expect(verify(log, { since }).issues[0]).toMatchObject({ code: 'BODY_HASH_MISMATCH', seq: 40 });
  });

  it('catches stored nodes before the start that no longer give the trusted root', () => {
    const log = makeLog({ entries: 32 });
    const reader = openAuditReader(log.dbPath);
    const since = reader.latestCheckpoint()!;
    reader.close();
    tamper(log.dbPath, (db) => db.prepare('UPDATE entries SET nodes = randomblob(length(nodes)) WHERE seq = 32').run());
    expect(verify(log, { since }).issues.map((i) => i.code)).toContain('INCONSISTENT_WITH_TRUSTED_CHECKPOINT');
  });
});

describe('getAuditLog()', () => {
  it('finds the log through the config, trusts the key dir key by default, and says so', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'governance.config.json'), JSON.stringify({ stateDir: 'state' }));
    mkdirSync(join(dir, 'state'));
    const w = openAuditWriter({ dbPath: join(dir, 'state', 'audit.db'), keyDir: join(dir, 'state', 'keys') });
    for (let i = 1; i <= 5; i++) w.append(entry(i));
    w.close();
    const log = getAuditLog({ configPath: join(dir, 'governance.config.json') });
    expect(log.queryLogs({ limit: 2 }).map((e) => e.seq)).toEqual([4, 5]);
    expect(log.verifyIntegrity()).toMatchObject({ valid: true, entries: 5, trustSource: 'keyDir' });
    const other = makeLog({ ownKey: true, entries: 1 });
    expect(log.verifyIntegrity({ trustedKeys: [other.pub] })).toMatchObject({ valid: false, trustSource: 'given' });
    const p = log.getInclusionProof(3);
    expect(verifyInclusion(p.leafIndex, p.treeSize, hex(p.leafHash), p.path.map(hex), hex(p.root))).toBe(true);
    expect(log.getConsistencyProof(2, 5).path.length).toBeGreaterThan(0);
  });
});
