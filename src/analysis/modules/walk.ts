// A plain depth-first walk over a Babel AST, without the NodePath and scope bookkeeping of @babel/traverse:
// summaries of dependency files (often large bundles) only need to look at node shapes.
import type * as t from '@babel/types';

const NOT_CHILDREN = new Set(['loc', 'start', 'end', 'extra', 'range', 'leadingComments', 'trailingComments', 'innerComments', 'comments', 'tokens', 'errors']);

function isNode(value: unknown): value is t.Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** Calls `visit` for `root` and every node below it, parents before children. */
export function walk(root: t.Node, visit: (node: t.Node) => void): void {
  const stack: t.Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as t.Node;
    visit(node);
    for (const key in node) {
      if (NOT_CHILDREN.has(key)) continue;
      const value = (node as unknown as Record<string, unknown>)[key];
      if (Array.isArray(value)) {
        for (let index = value.length - 1; index >= 0; index--) if (isNode(value[index])) stack.push(value[index] as t.Node);
      } else if (isNode(value)) stack.push(value);
    }
  }
}
