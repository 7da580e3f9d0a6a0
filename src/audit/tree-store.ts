// Reading the stored Merkle tree: leaf hashes and interior nodes, both kept in the entry rows.
// The node at (level L, index i) is completed by the leaf of seq (i + 1) * 2^L, at offset (L - 1) * 32 of its `nodes`.
import type { AuditDatabase } from './schema';
import { HASH_BYTES } from './hash';
import { MerkleFrontier, frontierSlots, type PerfectSubtree } from './merkle';

export interface TreeStore {
  perfect: PerfectSubtree;
  /** Rebuild the frontier of a tree of `size` leaves from stored nodes (O(log size) lookups). */
  frontier(size: number): MerkleFrontier;
}

export function openTreeStore(db: AuditDatabase): TreeStore {
  const row = db.prepare('SELECT leaf, nodes FROM entries WHERE seq = ?');
  const perfect: PerfectSubtree = (level, index) => {
    const seq = (index + 1) * 2 ** level;
    const r = row.get(seq) as { leaf: Buffer; nodes: Buffer | null } | undefined;
    const hash = level === 0 ? r?.leaf : r?.nodes?.subarray((level - 1) * HASH_BYTES, level * HASH_BYTES);
    if (!hash || hash.length !== HASH_BYTES) throw new Error(`audit log is missing the Merkle ${level === 0 ? 'leaf' : `node of level ${level}`} stored with seq ${seq}`);
    return hash;
  };
  return {
    perfect,
    frontier: (size) => new MerkleFrontier(size, frontierSlots(size).map((s) => perfect(s.level, s.index))),
  };
}
