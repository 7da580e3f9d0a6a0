// Epoch keys: a rotation certifies the next key over the log's tree head and destroys the outgoing private
// key; verifiers pin the first key and follow the certificates; a key without a chain to a pinned key is not
// trusted, and the current key cannot re-sign history from before its certificate.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rotateSigningKey } from '../../src/audit/key-rotation';
import { storeCertificate } from '../../src/audit/certificates';
import { openTreeStore } from '../../src/audit/tree-store';
import { openAuditReader } from '../../src/audit/index';
import { signCheckpoint } from '../../src/audit/checkpoint';
import { exportAuditLog } from '../../src/audit/export';
import { verifyExportFile } from '../../src/audit/verify-export';
import { signCertificate } from '../../src/crypto/certificate';
import { createSigningKey, loadSigningKey } from '../../src/crypto/keys';
import { appendMore, cleanup, codes, makeLog, rewriteFrom, tamper, tempDir, verify, type TestLog } from './helpers';

afterAll(cleanup);

function rotated(): { log: TestLog; root: string; oldPem: string; summary: ReturnType<typeof rotateSigningKey> } {
  const log = makeLog({ ownKey: true });
  const oldPem = readFileSync(join(log.keyDir, 'log-signing.key.pem'), 'utf8');
  const summary = rotateSigningKey(log.dbPath, log.keyDir);
  appendMore(log, 41, 20);
  return { log, root: join(log.keyDir, 'log-root.pub.pem'), oldPem, summary };
}

describe('epoch keys', () => {
  it('a rotated log verifies against the pinned first key; later checkpoints are signed by the new key; the old private key is gone', () => {
    const { log, root, oldPem, summary } = rotated();
    expect(summary).toMatchObject({ epoch: 1, size: 40 });
    expect(summary.keyId).toBe(loadSigningKey(log.keyDir)!.keyId);
    const result = verify(log, { trustedKeys: [root] });
    expect(result).toMatchObject({ valid: true, entries: 60, issues: [] });
    expect(result.trustedKeyIds).toEqual([summary.previousKeyId, summary.keyId]);
    const reader = openAuditReader(log.dbPath);
    const signers = reader.checkpoints().map((c) => [JSON.parse(c.body).size, JSON.parse(c.body).keyId]);
    reader.close();
    expect(signers.filter(([size]) => size <= 40).every(([, k]) => k === summary.previousKeyId)).toBe(true);
    const after = signers.filter(([size]) => size > 40).map(([, k]) => k);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((k) => k === summary.keyId)).toBe(true);
    for (const f of readdirSync(log.keyDir)) expect(readFileSync(join(log.keyDir, f), 'utf8')).not.toContain(oldPem.split('\n')[1]);
    // A second rotation chains on.
    const second = rotateSigningKey(log.dbPath, log.keyDir);
    appendMore(log, 61, 5);
    expect(second).toMatchObject({ epoch: 2, previousKeyId: summary.keyId, size: 60 });
    expect(verify(log, { trustedKeys: [root] })).toMatchObject({ valid: true, entries: 65 });
  });

  it('without its certificate, or with one no trusted key issued, the new key is UNKNOWN_KEY', () => {
    const { log, root } = rotated();
    tamper(log.dbPath, (db) => db.prepare("DELETE FROM meta WHERE key LIKE 'keycert:%'").run());
    expect(codes(verify(log, { trustedKeys: [root] }))).toEqual(expect.arrayContaining(['UNKNOWN_KEY']));
    // A certificate signed by a key nobody pinned, naming the current key: ignored.
    const stranger = createSigningKey(join(tempDir(), 'k')).key;
    const current = loadSigningKey(log.keyDir)!;
    tamper(log.dbPath, (db) => {
      const id = db.prepare("SELECT value FROM meta WHERE key = 'logId'").pluck().get() as string;
      storeCertificate(db, 1, signCertificate({ logId: id, epoch: 1, size: 40, root: '0'.repeat(64), chainHead: '0'.repeat(64), ts: '2026-01-01T00:00:00.000Z', keyId: stranger.keyId, nextKeyId: current.keyId, nextKey: (current.publicKey.export({ type: 'spki', format: 'der' }) as Buffer).toString('base64') }, stranger.privateKey));
    });
    const result = verify(log, { trustedKeys: [root] });
    expect(result.valid).toBe(false);
    expect(codes(result)).toContain('UNKNOWN_KEY');
    expect(result.trustedKeyIds).not.toContain(current.keyId);
  });

  it('the current key cannot re-sign history from before its certificate', () => {
    const { log, root } = rotated();
    const current = loadSigningKey(log.keyDir)!;
    tamper(log.dbPath, (db) => {
      rewriteFrom(db, 5, (b) => b.replace('/data/file-0005.csv', '/data/forged.csv'));
      const logId = db.prepare("SELECT value FROM meta WHERE key = 'logId'").pluck().get() as string;
      const rows = db.prepare('SELECT body FROM checkpoints ORDER BY n').pluck().all() as string[];
      db.prepare('DELETE FROM checkpoints').run();
      // Re-sign every checkpoint over the rewritten tree with the stolen current key.
      const tree = openTreeStore(db);
      rows.forEach((b, i) => {
        const c = JSON.parse(b);
        const cp = signCheckpoint({ ...c, logId, root: tree.frontier(c.size).root().toString('hex'), chainHead: tree.perfect(0, c.size - 1).toString('hex'), keyId: current.keyId }, current.privateKey);
        db.prepare('INSERT INTO checkpoints (n, body, sig) VALUES (?, ?, ?)').run(i + 1, cp.body, Buffer.from(cp.sig, 'base64'));
      });
    });
    const result = verify(log, { trustedKeys: [root] });
    expect(result.valid).toBe(false);
    expect(codes(result)).toEqual(expect.arrayContaining(['CHECKPOINT_KEY_EPOCH', 'CHECKPOINT_ROOT_MISMATCH']));
    expect(result.issues.find((i) => i.code === 'CHECKPOINT_ROOT_MISMATCH')!.detail).toMatch(/key certificate of epoch 1/);
  });

  it('exports carry the certificates; verify-export follows them from the pinned key', () => {
    const { log, root } = rotated();
    const file = join(log.dir, 'bundle.ndjson');
    exportAuditLog(log.dbPath, file);
    expect(readFileSync(file, 'utf8')).toContain('"type":"certificate"');
    expect(verifyExportFile(file, { trustedKeys: [readFileSync(root, 'utf8')] })).toMatchObject({ valid: true, entries: 60, issues: [] });
    const noCert = join(log.dir, 'nocert.ndjson');
    writeFileSync(noCert, readFileSync(file, 'utf8').split('\n').filter((l) => !l.includes('"type":"certificate"')).join('\n'));
    expect(verifyExportFile(noCert, { trustedKeys: [readFileSync(root, 'utf8')] }).issues.map((i) => i.code)).toContain('UNKNOWN_KEY');
  });

  it('refuses to rotate without a log or a key', () => {
    expect(() => rotateSigningKey(join(tempDir(), 'none.db'), join(tempDir(), 'keys'))).toThrow(/no log signing key/);
    const log = makeLog({ ownKey: true });
    expect(() => rotateSigningKey(join(log.dir, 'other.db'), log.keyDir)).toThrow(/no audit log/);
  });
});
