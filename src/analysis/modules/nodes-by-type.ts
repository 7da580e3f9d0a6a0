// Every node of a tree grouped by type, from one walk kept per tree: the scope-free scans (module summaries,
// the rules' mayReport) each read the few node types they need instead of walking the tree again.
import type * as t from '@babel/types';
import { walk } from './walk';

type NodesByType = Map<string, t.Node[]>;

// Kept on the root node rather than in a WeakMap keyed by it: with the WeakMap, trees (each index holds all of
// its tree's nodes) survived young-generation collections until a full one; --trace-gc over this project's
// node_modules showed 0.86-1.13 s of scavenges against 0.73-0.79 s with the index on the node.
const INDEX = Symbol('nodesByType');
type Indexed = t.Node & { [INDEX]?: NodesByType };

function indexOf(root: Indexed): NodesByType {
  let index = root[INDEX];
  if (!index) {
    const built: NodesByType = new Map();
    walk(root, (node) => {
      const list = built.get(node.type);
      if (list) list.push(node);
      else built.set(node.type, [node]);
    });
    root[INDEX] = index = built;
  }
  return index;
}

/** The nodes of type `type` in `root` (root included), in source order. */
export function nodesOfType<T extends t.Node['type']>(root: t.Node, type: T): ReadonlyArray<Extract<t.Node, { type: T }>> {
  return (indexOf(root).get(type) ?? []) as Array<Extract<t.Node, { type: T }>>;
}
