// SHA-256 helpers for the audit log: RFC 6962 leaf and node hashes.
// Only node:crypto is imported, so the standalone export verifier can use this file.
import * as nodeCrypto from 'node:crypto';

type OneShotHash = (algorithm: string, data: Uint8Array, outputEncoding: 'buffer') => Buffer;
const oneShot = (nodeCrypto as unknown as { hash?: OneShotHash }).hash;
const { createHash } = nodeCrypto;
const { apply } = Reflect;
const bufferAlloc = Buffer.alloc;
const bufferSubarray = Buffer.prototype.subarray;
const bufferWrite = Buffer.prototype.write;
const bufferCopy = Buffer.prototype.copy;

export const HASH_BYTES = 32;
/** The `prev` of the first entry. */
export const ZERO_HASH: Buffer = bufferAlloc(HASH_BYTES);

export function sha256(data: Uint8Array): Buffer {
  if (oneShot) return oneShot('sha256', data, 'buffer');
  return createHash('sha256').update(data).digest();
}

let leafScratch: Buffer = bufferAlloc(4096);
const pairScratch: Buffer = bufferAlloc(1 + 2 * HASH_BYTES);

function ensureLeafScratch(bytes: number): void {
  if (leafScratch.length < bytes + 1) leafScratch = bufferAlloc(2 * (bytes + 1));
}

/** RFC 6962 leaf hash SHA-256(0x00 ‖ utf8(body)), without allocating a concatenation. */
export function leafHashOfText(body: string): Buffer {
  ensureLeafScratch(body.length * 3);
  leafScratch[0] = 0x00;
  const written: number = apply(bufferWrite, leafScratch, [body, 1, 'utf8']);
  return sha256(apply(bufferSubarray, leafScratch, [0, written + 1]));
}

/** RFC 6962 leaf hash of a body given as its stored bytes. */
export function leafHashOfBytes(body: Uint8Array): Buffer {
  ensureLeafScratch(body.length);
  leafScratch[0] = 0x00;
  apply(bufferCopy, body, [leafScratch, 1]);
  return sha256(apply(bufferSubarray, leafScratch, [0, body.length + 1]));
}

/** RFC 6962 interior node hash SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  pairScratch[0] = 0x01;
  apply(bufferCopy, left, [pairScratch, 1]);
  apply(bufferCopy, right, [pairScratch, 1 + HASH_BYTES]);
  return sha256(pairScratch);
}
