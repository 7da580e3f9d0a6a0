// The incremental tree and the proofs agree with RFC 6962's recursive definition, and forged proofs fail.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MerkleFrontier, consistencyPath, frontierSlots, inclusionPath, subtreeHash, verifyConsistency, verifyInclusion } from '../../src/audit/merkle';

const sha = (...parts: Buffer[]): Buffer => createHash('sha256').update(Buffer.concat(parts)).digest();
const leafOf = (i: number): Buffer => sha(Buffer.from([0]), Buffer.from(`entry ${i}`));

/** MTH straight from RFC 6962 section 2.1, independent of the code under test. */
function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return sha();
  if (leaves.length === 1) return leaves[0];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha(Buffer.from([1]), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

const N = 70;
const leaves = Array.from({ length: N }, (_, i) => leafOf(i));
/** Stored perfect subtrees, as the database keeps them: recorded while appending. */
const nodes = new Map<string, Buffer>();
const frontiers: MerkleFrontier[] = [new MerkleFrontier()];
{
  const f = new MerkleFrontier();
  for (let i = 0; i < N; i++) {
    const completed: Buffer[] = [];
    f.push(leaves[i], completed);
    completed.forEach((h, l) => nodes.set(`${l + 1}/${(i + 1) / 2 ** (l + 1) - 1}`, h));
    frontiers.push(f.clone());
  }
}
const perfect = (level: number, index: number): Buffer => (level === 0 ? leaves[index] : nodes.get(`${level}/${index}`)!);

describe('the incremental frontier', () => {
  it('has the RFC 6962 root at every size 0..70', () => {
    for (let n = 0; n <= N; n++) expect(frontiers[n].root().equals(mth(leaves.slice(0, n))), `size ${n}`).toBe(true);
  });

  it('can be rebuilt from stored nodes at any size', () => {
    for (let n = 0; n <= N; n++) {
      const rebuilt = new MerkleFrontier(n, frontierSlots(n).map((s) => perfect(s.level, s.index)));
      expect(rebuilt.root().equals(mth(leaves.slice(0, n)))).toBe(true);
      expect(subtreeHash(0, n, perfect).equals(mth(leaves.slice(0, n)))).toBe(true);
    }
  });
});

describe('inclusion proofs', () => {
  it('verify for every leaf of every tree size up to 70', () => {
    for (let n = 1; n <= N; n++) {
      const root = mth(leaves.slice(0, n));
      for (let m = 0; m < n; m++) expect(verifyInclusion(m, n, leaves[m], inclusionPath(m, 0, n, perfect), root), `${m} in ${n}`).toBe(true);
    }
  });

  it('fail for another leaf, a changed path, a wrong index or a wrong size', () => {
    const root = mth(leaves.slice(0, 37));
    const path = inclusionPath(12, 0, 37, perfect);
    expect(verifyInclusion(12, 37, leaves[13], path, root)).toBe(false);
    expect(verifyInclusion(13, 37, leaves[12], path, root)).toBe(false);
    expect(verifyInclusion(12, 16, leaves[12], path, root)).toBe(false); // (size 36 has the same path shape: the root binds the size)
    expect(verifyInclusion(12, 37, leaves[12], [...path.slice(0, -1), leaves[0]], root)).toBe(false);
    expect(verifyInclusion(12, 37, leaves[12], path.slice(1), root)).toBe(false);
  });
});

describe('consistency proofs', () => {
  it('verify for every pair of sizes up to 70', () => {
    for (let n = 1; n <= N; n++) {
      for (let m = 0; m <= n; m++) {
        const proof = consistencyPath(m, n, perfect);
        expect(verifyConsistency(m, n, mth(leaves.slice(0, m)), mth(leaves.slice(0, n)), proof), `${m} -> ${n}`).toBe(true);
      }
    }
  });

  it('fail when the old tree is not a prefix of the new one (a fork)', () => {
    const forked = [...leaves.slice(0, 20), leafOf(999), ...leaves.slice(21, 40)];
    const proof = consistencyPath(25, 40, perfect);
    expect(verifyConsistency(25, 40, mth(leaves.slice(0, 25)), mth(forked), proof)).toBe(false);
    expect(verifyConsistency(25, 40, mth(forked.slice(0, 25)), mth(leaves.slice(0, 40)), proof)).toBe(false);
    expect(verifyConsistency(40, 25, mth(leaves.slice(0, 40)), mth(leaves.slice(0, 25)), proof)).toBe(false);
  });
});
