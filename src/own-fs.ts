// Governance's own files (the rules files and the signing key read, the checkpoint sink appended to) while it decides
// or commits. fs.readFileSync looks
// fs.openSync and fs.readSync up on the module at each call, so it entered the hooks, inside a decision; and
// fs.statSync builds a Stats object by assignment, which runs any setter the program put on Object.prototype. These
// functions are captured when this module loads, before the hooks are installed, and each goes straight to Node's
// binding.
import fs = require('node:fs');
import { primordials } from './primordials';

const { openSync, readSync, writeSync, closeSync } = fs;
const bufferAllocUnsafe = Buffer.allocUnsafe;
const bufferSubarray = Buffer.prototype.subarray;
const typedArraySet = Reflect.getPrototypeOf(Uint8Array.prototype) as { set: Function };
const { apply } = primordials;
const CHUNK = 8 * 1024;

/** The whole contents of `path`. Throws Node's error when it cannot be opened or read. */
export function readOwnFile(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    let contents: Buffer = bufferAllocUnsafe(CHUNK);
    let length = 0;
    for (;;) {
      if (length === contents.length) contents = grown(contents);
      const read = readSync(fd, contents, length, contents.length - length, null);
      if (read === 0) return apply(bufferSubarray, contents, [0, length]) as Buffer;
      length += read;
    }
  } finally {
    closeSync(fd);
  }
}

function grown(contents: Buffer): Buffer {
  const larger = bufferAllocUnsafe(contents.length * 2);
  apply(typedArraySet.set, larger, [contents]);
  return larger;
}

/** Appends `text` to `path` (created if missing), in one write. The checkpoint sink: written inside decisions too. */
export function appendOwnFile(path: string, text: string): void {
  const fd = openSync(path, 'a');
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}
