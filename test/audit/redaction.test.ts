// Redaction and retention: bodies replaced by signed markers, leaf hashes kept; the log, proofs and exports
// still verify, redacted entries are counted, and a tampered or forged redaction is caught.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openAuditReader, verifyInclusion } from '../../src/audit/index';
import { redactEntries } from '../../src/audit/redact';
import { exportAuditLog } from '../../src/audit/export';
import { verifyExportFile } from '../../src/audit/verify-export';
import { encodeMarker, signStatement } from '../../src/audit/redaction';
import { createSigningKey } from '../../src/crypto/keys';
import { body, cleanup, codes, firstBad, makeLog, rewriteFrom, tamper, tempDir, verify, type TestLog } from './helpers';

afterAll(cleanup);

function redacted(log: TestLog, range: { seq?: number; from?: number; to?: number; before?: string }) {
  return redactEntries({ dbPath: log.dbPath, keyDir: log.keyDir, reason: 'GDPR erasure request 17', actor: 'dpo', ...range })!;
}

const hex = (h: string): Buffer => Buffer.from(h, 'hex');

describe('redaction', () => {
  it('keeps the log valid, counts the redacted entry, records the operation, and the entry stays provable', () => {
    const log = makeLog();
    const summary = redacted(log, { seq: 17 });
    expect(summary).toMatchObject({ from: 17, to: 17, record: 41, redacted: 1, skipped: 0 });
    const reader = openAuditReader(log.dbPath);
    try {
      expect(reader.query({ actor: 'dpo' })).toMatchObject([{ seq: 41, action: 'audit_redact', target: 'seq:17-17', reason: 'GDPR erasure request 17' }]);
      expect(reader.query().map((e) => e.seq)).not.toContain(17);
      const cp = JSON.parse(reader.latestCheckpoint()!.body) as { size: number; root: string };
      expect(cp.size).toBe(41);
      const proof = reader.getInclusionProof(17, cp.size);
      expect(proof.root).toBe(cp.root);
      expect(verifyInclusion(proof.leafIndex, proof.treeSize, hex(proof.leafHash), proof.path.map(hex), hex(cp.root))).toBe(true);
    } finally {
      reader.close();
    }
    const result = verify(log);
    expect(result).toMatchObject({ valid: true, entries: 41, redacted: 1, issues: [] });
    tamper(log.dbPath, (db) => expect(body(db, 17)).toMatch(/^\{"redacted":\{"v":1,.*"from":17,"to":17,"record":41,.*"reason":"GDPR erasure request 17".*\},"sig":".*","seq":17\}$/));
    expect(readFileSync(log.dbPath).includes('/data/file-0017.csv')).toBe(false);
  });

  it('retention: every entry older than a date, in one signed statement; the export verifies offline', () => {
    const log = makeLog();
    // Entry i has ts 2026-01-01T00:00:00.000Z + i ms.
    const summary = redacted(log, { before: '2026-01-01T00:00:00.011Z' });
    expect(summary).toMatchObject({ from: 1, to: 10, redacted: 10 });
    expect(verify(log)).toMatchObject({ valid: true, entries: 41, redacted: 10 });
    expect(redacted(log, { from: 5, to: 12 })).toMatchObject({ redacted: 2, skipped: 6 });
    const file = join(log.dir, 'bundle.ndjson');
    exportAuditLog(log.dbPath, file);
    expect(verifyExportFile(file, { trustedKeys: [readFileSync(log.pub, 'utf8')] })).toMatchObject({ valid: true, entries: 42, redacted: 12, issues: [] });
  });

  it('a changed leaf of a redacted entry is caught by the chain and the signed roots', () => {
    const log = makeLog();
    redacted(log, { seq: 17 });
    tamper(log.dbPath, (db) => db.prepare('UPDATE entries SET leaf = randomblob(32) WHERE seq = 17').run());
    const result = verify(log);
    expect(result.valid).toBe(false);
    expect(firstBad(result)).toEqual({ code: 'CHAIN_BREAK', seq: 18 });
    expect(codes(result)).toContain('CHECKPOINT_ROOT_MISMATCH');
  });

  it('a marker forged without the key, moved to another entry, or without its record is REDACTION_INVALID', () => {
    const log = makeLog();
    redacted(log, { seq: 17 });
    const forger = createSigningKey(join(tempDir(), 'keys')).key;
    tamper(log.dbPath, (db) => {
      const marker = body(db, 17);
      const st = JSON.parse(marker).redacted;
      const forged = signStatement({ ...st, from: 3, to: 3, keyId: forger.keyId }, forger.privateKey);
      db.prepare('UPDATE entries SET body = ? WHERE seq = 3').run(encodeMarker(forged.text, forged.sig, 3));
      db.prepare('UPDATE entries SET body = ? WHERE seq = 5').run(marker.replace('"seq":17}', '"seq":5}'));
    });
    const result = verify(log);
    expect(result.issues.filter((i) => i.code === 'REDACTION_INVALID').map((i) => [i.seq, /not trusted|covers seq/.test(i.detail)])).toEqual([[3, true], [5, true]]);
    // A genuine marker whose record entry was rewritten away (everything after it re-hashed).
    const other = makeLog();
    redacted(other, { seq: 9 });
    tamper(other.dbPath, (db) => rewriteFrom(db, 41, (b) => b.replace('"target":"seq:9-9"', '"target":"seq:8-8"')));
    expect(verify(other).issues.filter((i) => i.code === 'REDACTION_INVALID')).toMatchObject([{ seq: 9, detail: expect.stringMatching(/no entry 41 recording/) }]);
  });

  it('refuses without a reason, without the key, or outside the log', () => {
    const log = makeLog();
    expect(() => redactEntries({ dbPath: log.dbPath, keyDir: log.keyDir, seq: 3, reason: ' ' })).toThrow(/reason/);
    expect(() => redactEntries({ dbPath: log.dbPath, keyDir: tempDir(), seq: 3, reason: 'x' })).toThrow(/no log signing key/);
    expect(() => redacted(log, { seq: 99 })).toThrow(/1\.\.40/);
  });
});
