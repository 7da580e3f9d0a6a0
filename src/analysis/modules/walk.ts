// A plain depth-first walk over a Babel AST, without the NodePath and scope bookkeeping of @babel/traverse:
// summaries of dependency files (often large bundles) only need to look at node shapes. Babel's own fast walk
// follows each node type's visitor keys, several times faster than enumerating every property.
import traverse from '@babel/traverse';
import type * as t from '@babel/types';

/** Calls `visit` for `root` and every node below it, parents before children, in source order. */
export function walk(root: t.Node, visit: (node: t.Node) => void): void {
  traverse.cheap(root, visit);
}
