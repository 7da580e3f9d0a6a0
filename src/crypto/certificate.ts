// Epoch key certificates (forward security): when the log key is rotated, the outgoing key signs a
// certificate naming the next key and the log's tree head at that moment (size, root, chain head); then the
// outgoing private key is destroyed. A verifier that trusts a pinned key follows the certificates from it:
// a key is trusted only through a chain of valid certificates, never because it is found in the log. Used by
// the standalone export verifier too, so it imports only node:crypto (through sign and keys).
import nodeCrypto = require('node:crypto');
import type { KeyObject } from 'node:crypto';
import { signPss, verifyPss } from './sign';
import { keyIdOf } from './keys';

const { createPublicKey } = nodeCrypto;

export interface KeyCertificate {
  logId: string;
  /** 1 for the first rotation, then 2, 3, ... */
  epoch: number;
  /** The tree head when the key was handed over: the certified key signs nothing smaller. */
  size: number;
  root: string;
  chainHead: string;
  ts: string;
  /** keyId of the signing (outgoing) key. */
  keyId: string;
  nextKeyId: string;
  /** The next public key, base64 SPKI DER. */
  nextKey: string;
}

export interface SignedCertificate {
  body: string;
  sig: string;
}

const KEYS = ['v', 'type', 'logId', 'epoch', 'size', 'root', 'chainHead', 'ts', 'keyId', 'nextKeyId', 'nextKey'];
const HEX32 = /^[0-9a-f]{64}$/;

export function encodeCertificate(c: KeyCertificate): string {
  return JSON.stringify({ v: 1, type: 'key-certificate', logId: c.logId, epoch: c.epoch, size: c.size, root: c.root, chainHead: c.chainHead, ts: c.ts, keyId: c.keyId, nextKeyId: c.nextKeyId, nextKey: c.nextKey });
}

export function signCertificate(c: KeyCertificate, privateKey: KeyObject): SignedCertificate {
  const body = encodeCertificate(c);
  return { body, sig: signPss(privateKey, Buffer.from(body, 'utf8')).toString('base64') };
}

export function parseCertificate(text: string): { ok: true; fields: KeyCertificate } | { ok: false; error: string } {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `not JSON: ${(e as Error).message}` };
  }
  if (typeof o !== 'object' || o === null || Object.keys(o).join(',') !== KEYS.join(',')) return { ok: false, error: `expected keys ${KEYS.join(',')}` };
  const counts = [o.epoch, o.size].every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0);
  const hashes = [o.root, o.chainHead, o.keyId, o.nextKeyId].every((h) => typeof h === 'string' && HEX32.test(h));
  if (o.v !== 1 || o.type !== 'key-certificate' || typeof o.logId !== 'string' || !counts || !hashes || typeof o.ts !== 'string' || typeof o.nextKey !== 'string') return { ok: false, error: 'field of the wrong type' };
  const fields = o as unknown as KeyCertificate;
  if (encodeCertificate(fields) !== text) return { ok: false, error: 'not in canonical form' };
  return { ok: true, fields };
}

/** A key trusted through a certificate: from which tree size on it may sign, and the tree head it was handed. */
export interface CertifiedKey {
  keyId: string;
  epoch: number;
  size: number;
  root: string;
  chainHead: string;
}

export interface CertificateTrust {
  /** The pinned keys and every key certified from them, by keyId. */
  keys: Map<string, KeyObject>;
  certified: CertifiedKey[];
  /** Certificates issued by a trusted key that do not check out (bad signature, another log, key mismatch). */
  invalid: string[];
}

/**
 * The keys trusted from `pinned` by following certificates of log `logId`: a certificate counts only when its
 * issuer is already trusted and its signature verifies. Certificates no trusted key issued are ignored (their
 * keys stay untrusted, so what they signed is UNKNOWN_KEY).
 */
export function followCertificates(pinned: ReadonlyMap<string, KeyObject>, certs: readonly SignedCertificate[], logId: string): CertificateTrust {
  const trust: CertificateTrust = { keys: new Map(pinned), certified: [], invalid: [] };
  const pending = certs.map((c) => ({ cert: c, parsed: parseCertificate(c.body) }));
  for (let progress = true; progress;) {
    progress = false;
    for (let i = 0; i < pending.length; i++) {
      const { cert, parsed } = pending[i];
      if (!parsed.ok) { trust.invalid.push(`certificate is malformed: ${parsed.error}`); pending.splice(i--, 1); continue; }
      const c = parsed.fields;
      const issuer = trust.keys.get(c.keyId);
      if (!issuer) continue;
      pending.splice(i--, 1);
      progress = true;
      const problem = certificateProblem(cert, c, issuer, logId);
      if (problem) { trust.invalid.push(`certificate of epoch ${c.epoch} (key ${c.nextKeyId}): ${problem}`); continue; }
      if (!trust.keys.has(c.nextKeyId)) trust.keys.set(c.nextKeyId, createPublicKey({ key: Buffer.from(c.nextKey, 'base64'), format: 'der', type: 'spki' }));
      trust.certified.push({ keyId: c.nextKeyId, epoch: c.epoch, size: c.size, root: c.root, chainHead: c.chainHead });
    }
  }
  return trust;
}

function certificateProblem(cert: SignedCertificate, c: KeyCertificate, issuer: KeyObject, logId: string): string | null {
  if (!verifyPss(issuer, Buffer.from(cert.body, 'utf8'), Buffer.from(cert.sig, 'base64'))) return `signature does not verify with key ${c.keyId}`;
  if (c.logId !== logId) return `it belongs to log ${c.logId}`;
  try {
    if (keyIdOf(createPublicKey({ key: Buffer.from(c.nextKey, 'base64'), format: 'der', type: 'spki' })) !== c.nextKeyId) return 'nextKeyId is not the id of nextKey';
  } catch (e) {
    return `nextKey is not a public key (${(e as Error).message})`;
  }
  return null;
}
