// SHA-256 helpers for the audit log: RFC 6962 leaf and node hashes.
// Only node:crypto is imported, so the standalone export verifier can use this file.
import nodeCrypto = require('node:crypto');

type OneShotHash = {
  (algorithm: string, data: Uint8Array | string, outputEncoding: 'buffer'): Buffer;
  (algorithm: string, data: Uint8Array | string, outputEncoding: 'hex'): string;
};
const oneShot = (nodeCrypto as unknown as { hash?: OneShotHash }).hash;
const { createHash } = nodeCrypto;
const { apply } = Reflect;
const { clz32 } = Math;
const bufferAlloc = Buffer.alloc;
const bufferSubarray = Buffer.prototype.subarray;
const bufferWrite = Buffer.prototype.write;
const bufferCopy = Buffer.prototype.copy;
type HexWrite = (this: Buffer, hex: string, offset: number, length: number) => number;
/** Buffer's own hex writer (every current Node line has it): write() spends more on its arguments than on 32 bytes. */
const hexWrite: HexWrite = (Buffer.prototype as unknown as { hexWrite?: HexWrite }).hexWrite ??
  function (this: Buffer, hex: string, offset: number, length: number): number { return apply(bufferWrite, this, [hex, offset, length, 'hex']) as number; };

export const HASH_BYTES = 32;
/** The `prev` of the first entry. */
export const ZERO_HASH: Buffer = bufferAlloc(HASH_BYTES);

export function sha256(data: Uint8Array): Buffer {
  if (oneShot) return oneShot('sha256', data, 'buffer');
  return createHash('sha256').update(data).digest();
}

/** SHA-256 as hex. A hex string costs less to produce than a Buffer (no backing store to allocate). */
export function sha256Hex(data: Uint8Array | string): string {
  if (oneShot) return oneShot('sha256', data, 'hex');
  return createHash('sha256').update(data).digest('hex');
}

/** The `prev` of the first entry, as hex. */
export const ZERO_HEX = '0'.repeat(2 * HASH_BYTES);

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

/** RFC 6962 interior node hash SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  pairScratch[0] = 0x01;
  apply(bufferCopy, left, [pairScratch, 1]);
  apply(bufferCopy, right, [pairScratch, 1 + HASH_BYTES]);
  return sha256(pairScratch);
}

const leafViews = new Map<number, Buffer>();

/** The first `n` bytes of the leaf scratch: a view per length is kept, as creating one costs about as much as a short hash. */
function leafView(n: number): Buffer {
  let view: Buffer | undefined = leafViews.get(n);
  if (view === undefined || view.buffer !== leafScratch.buffer) {
    view = apply(bufferSubarray, leafScratch, [0, n]) as Buffer;
    leafViews.set(n, view);
  }
  return view;
}

/**
 * Hex leaf hash of a body whose text is ASCII only (the verifier's fast path): its characters are its bytes,
 * written into a scratch buffer rather than concatenated and encoded.
 */
export function leafHexOfAscii(body: string): string {
  ensureLeafScratch(body.length);
  leafScratch[0] = 0x00;
  return sha256Hex(leafView((apply(bufferWrite, leafScratch, [body, 1, 'latin1']) as number) + 1));
}

/** Hex leaf hash of a body given as its stored bytes. */
export function leafHexOfBytes(body: Uint8Array): string {
  ensureLeafScratch(body.length);
  leafScratch[0] = 0x00;
  apply(bufferCopy, body, [leafScratch, 1]);
  return sha256Hex(apply(bufferSubarray, leafScratch, [0, body.length + 1]));
}

/** Hex interior node hash of two hex hashes. */
export function nodeHashHex(left: string, right: string): string {
  pairScratch[0] = 0x01;
  apply(hexWrite, pairScratch, [left, 1, HASH_BYTES]);
  apply(hexWrite, pairScratch, [right, 1 + HASH_BYTES, HASH_BYTES]);
  return sha256Hex(pairScratch);
}

/** Leading zero bits of a hash (the proof-of-work measure). */
export function leadingZeroBits(hash: Uint8Array): number {
  let bits = 0;
  for (let i = 0; i < hash.length; i++) {
    const byte = hash[i];
    if (byte !== 0) return bits + clz32(byte) - 24;
    bits += 8;
  }
  return bits;
}
