// The members of `const o = { … }` when they are fixed: no spread, no computed or `__proto__` keys, and no
// use of `o` other than reading or calling its properties (a write, or passing `o` anywhere, may add members).
import type { Binding } from '@babel/traverse';
import type * as t from '@babel/types';
import { isSymbolKey, staticKeyName } from '../modules/ast-names';

/** The keys of an object literal, or null when they are not all fixed names. */
export function literalKeys(object: t.ObjectExpression): Set<string> | null {
  const keys = new Set<string>();
  for (const property of object.properties) {
    if (property.type === 'SpreadElement') return null;
    const name = staticKeyName(property.key, property.computed);
    if (name === null && isSymbolKey(property.key)) continue;
    if (name === null || name === '__proto__') return null;
    keys.add(name);
  }
  return keys;
}

/** Whether every reference reads a property of the object (`o.x`, `o.x()`, `o['x']`) without writing it. */
function onlyReadsMembers(binding: Binding): boolean {
  return binding.referencePaths.every((reference) => {
    const member = reference.parentPath;
    if (!member?.isMemberExpression() || member.node.object !== reference.node) return false;
    const parent = member.parentPath;
    if (parent?.isAssignmentExpression() && parent.node.left === member.node) return false;
    if (parent?.isUpdateExpression() || parent?.isUnaryExpression({ operator: 'delete' })) return false;
    return true;
  });
}

export function objectLiteralMembers(binding: Binding): ReadonlySet<string> | null {
  if (!binding.constant || !binding.path.isVariableDeclarator()) return null;
  const init = binding.path.node.init;
  if (!init || init.type !== 'ObjectExpression' || binding.path.node.id.type !== 'Identifier') return null;
  return onlyReadsMembers(binding) ? literalKeys(init) : null;
}
