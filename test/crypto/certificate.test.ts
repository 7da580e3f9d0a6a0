// Key certificates: trust follows chains from the pinned keys only; broken certificates from a trusted issuer are reported.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { followCertificates, signCertificate, type KeyCertificate } from '../../src/crypto/certificate';
import { createSigningKey, type SigningKey } from '../../src/crypto/keys';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function key(): SigningKey {
  const d = mkdtempSync(join(tmpdir(), 'cert-test-'));
  dirs.push(d);
  return createSigningKey(d).key;
}
const [root, k1, k2, stranger] = [key(), key(), key(), key()];
const spki = (k: SigningKey): string => (k.publicKey.export({ type: 'spki', format: 'der' }) as Buffer).toString('base64');
function cert(issuer: SigningKey, next: SigningKey, over: Partial<KeyCertificate> = {}) {
  return signCertificate({ logId: 'log', epoch: 1, size: 10, root: 'a'.repeat(64), chainHead: 'b'.repeat(64), ts: '2026-01-01T00:00:00.000Z', keyId: issuer.keyId, nextKeyId: next.keyId, nextKey: spki(next), ...over }, issuer.privateKey);
}
const pinned = new Map([[root.keyId, root.publicKey]]);

describe('followCertificates', () => {
  it('trusts a chain from the pinned key, in any storage order, with the size each key starts at', () => {
    const trust = followCertificates(pinned, [cert(k1, k2, { epoch: 2, size: 20 }), cert(root, k1)], 'log');
    expect([...trust.keys.keys()]).toEqual([root.keyId, k1.keyId, k2.keyId]);
    expect(trust.certified.map((c) => [c.keyId, c.size])).toEqual([[k1.keyId, 10], [k2.keyId, 20]]);
    expect(trust.invalid).toEqual([]);
  });

  it('ignores certificates no trusted key issued', () => {
    const trust = followCertificates(pinned, [cert(stranger, k1)], 'log');
    expect([...trust.keys.keys()]).toEqual([root.keyId]);
    expect(trust.invalid).toEqual([]);
  });

  it.each([
    ['a bad signature', () => ({ ...cert(root, k1), sig: cert(root, k2).sig }), /signature does not verify/],
    ['another log', () => cert(root, k1, { logId: 'other' }), /belongs to log other/],
    ['a nextKeyId that is not the key', () => cert(root, k1, { nextKeyId: k2.keyId }), /nextKeyId is not the id/],
    ['a malformed body', () => ({ body: '{"v":1}', sig: '' }), /malformed/],
  ])('reports a certificate with %s and does not trust its key', (_, make, message) => {
    const trust = followCertificates(pinned, [make()], 'log');
    expect(trust.invalid).toEqual([expect.stringMatching(message)]);
    expect(trust.keys.size).toBe(1);
  });
});
