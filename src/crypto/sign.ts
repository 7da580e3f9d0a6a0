// RSA-PSS (SHA-256, 32-byte salt) signatures with node:crypto, using key objects created once.
import nodeCrypto = require('node:crypto');
import type { KeyObject } from 'node:crypto';

const { sign: cryptoSign, verify: cryptoVerify, constants } = nodeCrypto;
const PSS = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };

export function signPss(privateKey: KeyObject, data: Uint8Array): Buffer {
  return cryptoSign('sha256', data, { key: privateKey, ...PSS });
}

export function verifyPss(publicKey: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    return cryptoVerify('sha256', data, { key: publicKey, ...PSS }, signature);
  } catch {
    return false;
  }
}
