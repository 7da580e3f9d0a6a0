// The class of `const x = new C()` (or a `let` never reassigned) and the members later code adds to `x`.
import type { Binding, NodePath } from '@babel/traverse';
import { objectMutatorName, staticKeyName } from '../modules/ast-names';

/** Whether `name`, seen from `path`, is a never-reassigned binding at the top level of the file. */
export function isTopLevelBinding(path: NodePath, name: string): boolean {
  const binding = path.scope.getBinding(name);
  return Boolean(binding && binding.constant && binding.scope === path.scope.getProgramParent());
}

/** The local name of the class a top-level binding refers to, when `path` is `C` bound at the top level. */
export function topLevelClassName(path: NodePath): string | null {
  return path.isIdentifier() && isTopLevelBinding(path, path.node.name) ? path.node.name : null;
}

/**
 * Member names assigned to the instance (`x.extra = …`), or null when the instance is changed in a way that
 * is not followed (`x[key] = …`, `Object.assign(x, …)`).
 */
function addedMembers(binding: Binding): Set<string> | null {
  const added = new Set<string>();
  for (const reference of binding.referencePaths) {
    const parent = reference.parentPath;
    if (parent?.isCallExpression() && parent.node.arguments[0] === reference.node && objectMutatorName(parent.node) !== null) return null;
    if (!parent?.isMemberExpression() || parent.node.object !== reference.node) continue;
    const grand = parent.parentPath;
    const written = (grand?.isAssignmentExpression() && grand.node.left === parent.node) || grand?.isUnaryExpression({ operator: 'delete' });
    if (!written) continue;
    const name = staticKeyName(parent.node.property, parent.node.computed);
    if (name === null) return null;
    added.add(name);
  }
  return added;
}

export interface InstanceOf {
  /** Local name of the class at the top level of the file. */
  className: string;
  added: ReadonlySet<string>;
}

/** For a variable bound to `new C(…)` and never reassigned: its class and the members added to it. */
export function instanceOfBinding(binding: Binding): InstanceOf | null {
  if (!binding.constant || !binding.path.isVariableDeclarator() || binding.path.node.id.type !== 'Identifier') return null;
  const init = binding.path.get('init');
  if (!init.isNewExpression()) return null;
  const className = topLevelClassName(init.get('callee'));
  if (className === null) return null;
  const added = addedMembers(binding);
  return added ? { className, added } : null;
}
