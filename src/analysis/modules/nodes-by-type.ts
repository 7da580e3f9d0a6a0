// Every node of a tree grouped by type, from one walk kept per tree: the scope-free scans (module summaries,
// the rules' mayReport) each read the few node types they need instead of walking the tree again.
import type * as t from '@babel/types';
import { walk } from './walk';

type NodesByType = Map<string, t.Node[]>;

const indexes = new WeakMap<t.Node, NodesByType>();

function indexOf(root: t.Node): NodesByType {
  let index = indexes.get(root);
  if (!index) {
    const built: NodesByType = new Map();
    walk(root, (node) => {
      const list = built.get(node.type);
      if (list) list.push(node);
      else built.set(node.type, [node]);
    });
    indexes.set(root, (index = built));
  }
  return index;
}

/** The nodes of type `type` in `root` (root included), in source order. */
export function nodesOfType<T extends t.Node['type']>(root: t.Node, type: T): ReadonlyArray<Extract<t.Node, { type: T }>> {
  return (indexOf(root).get(type) ?? []) as Array<Extract<t.Node, { type: T }>>;
}
