// RFC 6962 / RFC 9162 Merkle tree: incremental frontier, proof construction and proof verification.
// Sizes and indexes may exceed 2^32, so arithmetic is used instead of bit operators.
import { HASH_BYTES, nodeHash, nodeHashHex, sha256 } from './hash';

// Captured at load: a writer rebuilds its frontier after user code has run (another process appended, or the
// late writer at exit), and a replaced Math.log2 or Array.prototype.push would make it sign a wrong root.
const { floor, log2 } = Math;

const EMPTY_ROOT = sha256(new Uint8Array(0));
const EMPTY_ROOT_HEX = EMPTY_ROOT.toString('hex');

/** Largest power of two strictly less than n (n >= 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  return n >= 1 && splitPoint(n + 1) === n;
}

/**
 * The roots of the perfect subtrees that make up a tree of `size` leaves, largest (leftmost) first.
 * Appending a leaf costs one hash per merge, one on average. `H` is how a hash is held (bytes or hex).
 */
class Frontier<H> {
  constructor(public size: number, public readonly hashes: H[], private readonly combine: (left: H, right: H) => H) {}

  /** Append a leaf; the interior nodes it completes (levels 1, 2, ...) are pushed to `completed`. */
  push(leaf: H, completed?: H[]): void {
    // Index operations instead of push/pop: the writer runs after user code, which may have replaced Array methods.
    const hashes = this.hashes;
    let carry = leaf;
    let n = this.size;
    while (n % 2 === 1) {
      carry = this.combine(hashes[hashes.length - 1], carry);
      hashes.length--;
      n = (n - 1) / 2;
      if (completed) completed[completed.length] = carry;
    }
    hashes[hashes.length] = carry;
    this.size++;
  }

  /** The root of a non-empty tree: the frontier folded from the right. */
  protected fold(): H {
    let r = this.hashes[this.hashes.length - 1];
    for (let i = this.hashes.length - 2; i >= 0; i--) r = this.combine(this.hashes[i], r);
    return r;
  }
}

/** The frontier with hashes as bytes (the writer, proofs). */
export class MerkleFrontier extends Frontier<Buffer> {
  constructor(size = 0, hashes: Buffer[] = []) {
    super(size, hashes, nodeHash);
  }

  root(): Buffer {
    return this.size === 0 ? EMPTY_ROOT : this.fold();
  }

  clone(): MerkleFrontier {
    return new MerkleFrontier(this.size, this.hashes.slice());
  }
}

/** The frontier with hashes as hex strings (the verifiers: cheaper to produce than Buffers, compared as stored hex). */
export class HexFrontier extends Frontier<string> {
  constructor(size = 0, hashes: string[] = []) {
    super(size, hashes, nodeHashHex);
  }

  root(): string {
    return this.size === 0 ? EMPTY_ROOT_HEX : this.fold();
  }
}

/** The perfect subtrees (level, index) whose roots form the frontier of a tree of `size` leaves. */
export function frontierSlots(size: number): { level: number; index: number }[] {
  const slots: { level: number; index: number }[] = [];
  let start = 0;
  let width = 1;
  while (width * 2 <= size) width *= 2;
  for (let level = log2(width); width >= 1; width /= 2, level--) {
    if (size - start >= width) {
      slots[slots.length] = { level, index: start / width };
      start += width;
    }
  }
  return slots;
}

/** Hash of the perfect subtree at `level` whose leftmost leaf is `index * 2^level` (level 0: the leaf hash). */
export type PerfectSubtree = (level: number, index: number) => Buffer;

/** MTH(D[start:end]) from stored perfect subtrees; O(log n) lookups and hashes. */
export function subtreeHash(start: number, end: number, perfect: PerfectSubtree): Buffer {
  const n = end - start;
  if (n === 0) return EMPTY_ROOT;
  if (isPowerOfTwo(n) && start % n === 0) return perfect(log2(n), start / n);
  const k = splitPoint(n);
  return nodeHash(subtreeHash(start, start + k, perfect), subtreeHash(start + k, end, perfect));
}

/** RFC 6962 PATH(m, D[start:end]). */
export function inclusionPath(m: number, start: number, end: number, perfect: PerfectSubtree): Buffer[] {
  const n = end - start;
  if (n <= 1) return [];
  const k = splitPoint(n);
  if (m < k) return [...inclusionPath(m, start, start + k, perfect), subtreeHash(start + k, end, perfect)];
  return [...inclusionPath(m - k, start + k, end, perfect), subtreeHash(start, start + k, perfect)];
}

/** RFC 6962 PROOF(m, D[0:n]) (the SUBPROOF algorithm). */
export function consistencyPath(m: number, n: number, perfect: PerfectSubtree): Buffer[] {
  if (m === 0 || m === n) return [];
  return subproof(m, 0, n, true, perfect);
}

function subproof(m: number, start: number, end: number, complete: boolean, perfect: PerfectSubtree): Buffer[] {
  const n = end - start;
  if (m === n) return complete ? [] : [subtreeHash(start, end, perfect)];
  const k = splitPoint(n);
  if (m <= k) return [...subproof(m, start, start + k, complete, perfect), subtreeHash(start + k, end, perfect)];
  return [...subproof(m - k, start + k, end, false, perfect), subtreeHash(start, start + k, perfect)];
}

const odd = (x: number): boolean => x % 2 === 1;
const half = (x: number): number => floor(x / 2);

/** RFC 9162 section 2.1.3.2. */
export function verifyInclusion(leafIndex: number, treeSize: number, leaf: Buffer, path: readonly Buffer[], root: Buffer): boolean {
  if (leafIndex >= treeSize || leaf.length !== HASH_BYTES) return false;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) { fn = half(fn); sn = half(sn); }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 section 2.1.4.2. */
export function verifyConsistency(first: number, second: number, firstRoot: Buffer, secondRoot: Buffer, path: readonly Buffer[]): boolean {
  if (first > second) return false;
  if (first === second) return path.length === 0 && firstRoot.equals(secondRoot);
  if (first === 0) return path.length === 0;
  if (path.length === 0) return false;
  const proof = isPowerOfTwo(first) ? [firstRoot, ...path] : [...path];
  let fn = first - 1;
  let sn = second - 1;
  while (odd(fn)) { fn = half(fn); sn = half(sn); }
  let fr = proof[0];
  let sr = proof[0];
  for (let i = 1; i < proof.length; i++) {
    const c = proof[i];
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) { fn = half(fn); sn = half(sn); }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return fr.equals(firstRoot) && sr.equals(secondRoot) && sn === 0;
}
