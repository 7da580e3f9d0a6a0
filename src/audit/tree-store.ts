// Reading the stored Merkle tree: leaf hashes and interior nodes, both kept in the entry rows.
// The node at (level L, index i) is completed by the leaf of seq (i + 1) * 2^L, at offset (L - 1) * 32 of its `nodes`.
import { primordials } from '../primordials';
import type { AuditDatabase } from './schema';
import { HASH_BYTES } from './hash';
import { MerkleFrontier, frontierSlots, type PerfectSubtree } from './merkle';

const reflectApply = Reflect.apply;

export interface TreeStore {
  perfect: PerfectSubtree;
  /** Rebuild the frontier of a tree of `size` leaves from stored nodes (O(log size) lookups). */
  frontier(size: number): MerkleFrontier;
}

/** Subtrees of this level and above are few (one per 2^level entries) and shared by most proofs. */
const CACHED_FROM_LEVEL = 8;
const { isBuffer } = Buffer;

/** The frontier's hashes, read without Array methods: a writer does this after user code has run. */
function frontierOf(size: number, perfect: PerfectSubtree): MerkleFrontier {
  const slots = frontierSlots(size);
  const hashes: Buffer[] = [];
  for (let i = 0; i < slots.length; i++) hashes[i] = perfect(slots[i].level, slots[i].index);
  return new MerkleFrontier(size, hashes);
}

/**
 * `cache`: keep the subtrees of level CACHED_FROM_LEVEL and above once read (for a reader serving many proofs:
 * then a proof reads about ten rows instead of forty). Stored subtrees never change in an append-only log.
 */
export function openTreeStore(db: AuditDatabase, options: { cache?: boolean } = {}): TreeStore {
  // One 32-byte blob per lookup: a Buffer per column read is most of a lookup's cost.
  const leafAt = db.prepare('SELECT leaf FROM entries WHERE seq = ?').pluck();
  const nodeAt = db.prepare(`SELECT substr(nodes, ?, ${HASH_BYTES}) FROM entries WHERE seq = ?`).pluck();
  // Taken now (the writer opens this before any program code): the program can reach the driver's Statement
  // prototype and Map.prototype, and the writer reads the tree inside decisions.
  const statementGet = (Reflect.getPrototypeOf(leafAt) as { get: Function }).get;
  const cache = options.cache ? new primordials.SafeMap<string, Buffer>() : null;
  const lookup: PerfectSubtree = (level, index) => {
    const seq = (index + 1) * 2 ** level;
    const hash = (level === 0 ? reflectApply(statementGet, leafAt, [seq]) : reflectApply(statementGet, nodeAt, [(level - 1) * HASH_BYTES + 1, seq])) as unknown;
    if (!isBuffer(hash) || hash.length !== HASH_BYTES) throw new Error(`audit log is missing the Merkle ${level === 0 ? 'leaf' : `node of level ${level}`} stored with seq ${seq}`);
    return hash;
  };
  const perfect: PerfectSubtree = !cache ? lookup : (level, index) => {
    if (level < CACHED_FROM_LEVEL) return lookup(level, index);
    const key = `${level}/${index}`;
    let hash = primordials.MapPrototypeGet(cache, key);
    if (!hash) primordials.MapPrototypeSet(cache, key, hash = lookup(level, index));
    return hash;
  };
  return {
    perfect,
    frontier: (size) => frontierOf(size, perfect),
  };
}
