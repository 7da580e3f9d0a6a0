// Rotating the log signing key (epoch keys, forward security). The outgoing key signs a certificate naming
// the next key and the log's tree head now; the certificate is stored with the log (meta) and next to the
// keys; then the next key replaces the outgoing one, whose private key file is destroyed. Whoever steals a
// later key cannot re-sign history before its certificate: that prefix is pinned by roots signed with keys
// that no longer exist. Running writers load the new key before their next checkpoint (see writer.ts).
import { createPublicKey } from 'node:crypto';
import fs = require('node:fs');
import path = require('node:path');
import { ZERO_HASH } from './hash';
import { isoFromMillis } from './encoding';
import { logIdOf, openDatabase } from './schema';
import { openTreeStore } from './tree-store';
import { storeCertificate, storedCertificates } from './certificates';
import { signCertificate, type SignedCertificate } from '../crypto/certificate';
import { generateSigningKey, installSigningKey, keyIdOf, loadSigningKey, ROOT_PUBLIC_KEY_FILE } from '../crypto/keys';

/** The certificates of the key dir's keys, one JSON line each (a copy; verifiers read those stored with the log). */
export const CERTIFICATES_FILE = 'log-signing.certs.ndjson';

export interface RotationSummary {
  epoch: number;
  keyId: string;
  previousKeyId: string;
  /** The tree size the certificate was signed over: the new key signs no checkpoint smaller than this. */
  size: number;
  /** The key to pin (the log's first key). */
  rootKeyFile: string;
  certificate: SignedCertificate;
}

export function rotateSigningKey(dbPath: string, keyDir: string): RotationSummary {
  const outgoing = loadSigningKey(keyDir);
  if (!outgoing) throw new Error(`no log signing key in ${keyDir}: run mltrainer-governance keys init`);
  if (!fs.existsSync(dbPath)) throw new Error(`no audit log at ${dbPath}: a key certificate names the log's tree head, so rotate once the log exists`);
  const next = generateSigningKey();
  const nextPublicKey = createPublicKey(next);
  const nextPublic = nextPublicKey.export({ type: 'spki', format: 'der' });
  const db = openDatabase(dbPath);
  let certificate: SignedCertificate;
  let epoch = 0;
  let size = 0;
  try {
    const logId = logIdOf(db);
    certificate = db.transaction(() => {
      epoch = storedCertificates(db).length + 1;
      size = db.prepare('SELECT coalesce(max(seq), 0) FROM entries').pluck().get() as number;
      const tree = openTreeStore(db);
      const chainHead = size === 0 ? ZERO_HASH : tree.perfect(0, size - 1);
      const cert = signCertificate({
        logId, epoch, size, root: tree.frontier(size).root().toString('hex'), chainHead: chainHead.toString('hex'), ts: isoFromMillis(Date.now()),
        keyId: outgoing.keyId, nextKeyId: keyIdOf(nextPublicKey), nextKey: nextPublic.toString('base64'),
      }, outgoing.privateKey);
      storeCertificate(db, epoch, cert);
      return cert;
    }).immediate();
  } finally {
    db.close();
  }
  const rootKeyFile = path.join(keyDir, ROOT_PUBLIC_KEY_FILE);
  if (!fs.existsSync(rootKeyFile)) fs.writeFileSync(rootKeyFile, outgoing.publicPem, { mode: 0o644 });
  fs.appendFileSync(path.join(keyDir, CERTIFICATES_FILE), JSON.stringify(certificate) + '\n');
  const installed = installSigningKey(keyDir, next);
  return { epoch, keyId: installed.keyId, previousKeyId: outgoing.keyId, size, rootKeyFile, certificate };
}
