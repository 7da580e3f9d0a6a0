// The log signing key: RSA-2048, private key PEM (mode 0600) and public key PEM in a key directory.
// keyId = hex SHA-256 of the public key's SPKI DER encoding.
import nodeCrypto = require('node:crypto');
import fs = require('node:fs');
import path = require('node:path');
import type { KeyObject } from 'node:crypto';

const { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } = nodeCrypto;
const { resolve } = path;
const { closeSync, existsSync, fstatSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync, writeSync } = fs;

/** The current signing key (after rotations: the current epoch's key). */
export const PRIVATE_KEY_FILE = 'log-signing.key.pem';
export const PUBLIC_KEY_FILE = 'log-signing.pub.pem';
/** Written at the first rotation: the key the log started with, the one verifiers pin. */
export const ROOT_PUBLIC_KEY_FILE = 'log-root.pub.pem';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicPem: string;
  keyId: string;
}

export interface PublicKey {
  publicKey: KeyObject;
  publicPem: string;
  keyId: string;
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}

export function publicKeyFromPem(pem: string | Buffer, source: string): PublicKey {
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey(pem);
  } catch (e) {
    throw new Error(`${source}: not a PEM public key (${(e as Error).message})`);
  }
  if (publicKey.asymmetricKeyType !== 'rsa') throw new Error(`${source}: expected an RSA key, got ${publicKey.asymmetricKeyType}`);
  return { publicKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), keyId: keyIdOf(publicKey) };
}

export function readPublicKeyFile(file: string): PublicKey {
  let pem: Buffer;
  try {
    pem = readFileSync(file);
  } catch (e) {
    throw new Error(`cannot read trusted key ${file}: ${(e as Error).message}`);
  }
  return publicKeyFromPem(pem, file);
}

/** The signing key in a private key PEM; `source` names it in errors. */
export function signingKeyFromPem(pem: Buffer, source: string): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (e) {
    throw new Error(`${source}: not a PEM private key (${(e as Error).message})`);
  }
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), keyId: keyIdOf(publicKey) };
}

/** The signing key in `keyDir`, or null if there is none. */
export function loadSigningKey(keyDir: string): SigningKey | null {
  const file = resolve(keyDir, PRIVATE_KEY_FILE);
  if (!existsSync(file)) return null;
  const key = signingKeyFromPem(readFileSync(file), file);
  const pubFile = resolve(keyDir, PUBLIC_KEY_FILE);
  if (!existsSync(pubFile)) writeFileSync(pubFile, key.publicPem, { mode: 0o644 });
  return key;
}

/**
 * Generate a new RSA-2048 key pair in `keyDir`. Without `replace`, an existing key wins: the private key is
 * published with link(2), which fails if the file exists, so processes racing to create the key end up with one.
 */
export function createSigningKey(keyDir: string, options: { replace?: boolean } = {}): { key: SigningKey; created: boolean } {
  mkdirSync(keyDir, { recursive: true, mode: 0o700 });
  const privateKey = generateSigningKey();
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' });
  const file = resolve(keyDir, PRIVATE_KEY_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, pem, { mode: 0o600 });
  let created = true;
  try {
    if (options.replace) renameSync(tmp, file);
    else linkSync(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    created = false;
  } finally {
    if (existsSync(tmp)) unlinkSync(tmp);
  }
  const key = signingKeyFromPem(readFileSync(file), file);
  writeFileSync(resolve(keyDir, PUBLIC_KEY_FILE), key.publicPem, { mode: 0o644 });
  return { key, created };
}

/** The key in `keyDir`, generated first if missing. */
export function ensureSigningKey(keyDir: string): { key: SigningKey; created: boolean } {
  const existing = loadSigningKey(keyDir);
  return existing ? { key: existing, created: false } : createSigningKey(keyDir);
}

/**
 * Install `privateKey` as the signing key and destroy the previous private key: the new file is renamed over
 * the old one, whose blocks are then overwritten with zeros and synced through a descriptor opened before.
 * (Storage that keeps old blocks elsewhere, copy-on-write file systems, snapshots or backups, defeats this.)
 */
export function installSigningKey(keyDir: string, privateKey: KeyObject): SigningKey {
  const file = resolve(keyDir, PRIVATE_KEY_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const old = existsSync(file) ? openSync(file, 'r+') : null;
  try {
    renameSync(tmp, file);
    if (old !== null) {
      const size = fstatSync(old).size;
      writeSync(old, Buffer.alloc(size), 0, size, 0);
      fsyncSync(old);
    }
  } finally {
    if (old !== null) closeSync(old);
  }
  const key = signingKeyFromPem(readFileSync(file), file);
  writeFileSync(resolve(keyDir, PUBLIC_KEY_FILE), key.publicPem, { mode: 0o644 });
  return key;
}

/** A new RSA-2048 key pair (not stored). */
export function generateSigningKey(): KeyObject {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
}
