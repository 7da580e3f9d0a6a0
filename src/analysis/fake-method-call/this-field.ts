// The class of `this.engine` inside a class whose every write of `engine` is `new C(…)` of the same top-level
// class `C` (a field initializer or `this.engine = new C()` in its methods), provided nothing else in the file
// writes an `engine` property (a test swapping in a stub, for instance).
import type { NodePath } from '@babel/traverse';
import type * as t from '@babel/types';
import { staticKeyName } from '../modules/ast-names';
import { nodesOfType } from '../modules/nodes-by-type';
import { walk } from '../modules/walk';

type ClassNode = t.ClassDeclaration | t.ClassExpression;

/** The class whose instance `this` is at `path`: inside a non-static method, through arrow functions. */
function enclosingClass(path: NodePath): ClassNode | null {
  let fn = path.getFunctionParent();
  while (fn?.isArrowFunctionExpression()) fn = fn.parentPath.getFunctionParent();
  if (!fn || !fn.isClassMethod() || fn.node.static) return null;
  const owner = fn.parentPath.parentPath;
  return owner?.isClass() ? owner.node : null;
}

function newedClass(value: t.Node | null | undefined): string | null {
  return value?.type === 'NewExpression' && value.callee.type === 'Identifier' ? value.callee.name : null;
}

/** Every class each `this.<name>` is set to in the class body (null for a write that is not `new C(…)`). */
function fieldWrites(owner: ClassNode): Map<string, Set<string | null>> {
  const writes = new Map<string, Set<string | null>>();
  const add = (name: string, className: string | null): void => {
    let classes = writes.get(name);
    if (!classes) writes.set(name, (classes = new Set()));
    classes.add(className);
  };
  for (const member of owner.body.body) {
    if (member.type === 'ClassProperty' && !member.static && !member.computed && member.key.type === 'Identifier' && member.value) {
      add(member.key.name, newedClass(member.value));
    }
  }
  walk(owner.body, (node) => {
    if (node.type !== 'AssignmentExpression' || node.left.type !== 'MemberExpression' || node.left.object.type !== 'ThisExpression') return;
    const property = node.left.property;
    if (!node.left.computed && property.type === 'Identifier') add(property.name, node.operator === '=' ? newedClass(node.right) : null);
  });
  return writes;
}

// One walk per class body, however many `this.<field>.m()` calls it holds.
const writesByClass = new WeakMap<ClassNode, Map<string, Set<string | null>>>();

/** The one class every write of `this.<name>` in the class body constructs, or null. */
function fieldClass(owner: ClassNode, name: string): string | null {
  let writes = writesByClass.get(owner);
  if (!writes) writesByClass.set(owner, (writes = fieldWrites(owner)));
  const classes = writes.get(name);
  const [only] = classes ?? [];
  return classes?.size === 1 && only ? only : null;
}

/** Property names the file assigns on objects other than `this` (`x.engine = …`, `x['engine'] = …`). */
export function namesWrittenElsewhere(ast: t.File): Set<string> {
  const names = new Set<string>();
  for (const { left } of nodesOfType(ast.program, 'AssignmentExpression')) {
    if (left.type !== 'MemberExpression' || left.object.type === 'ThisExpression') continue;
    const name = staticKeyName(left.property, left.computed);
    if (name !== null) names.add(name);
  }
  return names;
}

/** For `this.<name>` in a method: the local name of the class the field always holds, or null. */
export function thisFieldClassName(member: NodePath<t.MemberExpression>, writtenElsewhere: () => ReadonlySet<string>): string | null {
  const { object, property, computed } = member.node;
  if (object.type !== 'ThisExpression' || computed || property.type !== 'Identifier') return null;
  const owner = enclosingClass(member);
  if (!owner || writtenElsewhere().has(property.name)) return null;
  return fieldClass(owner, property.name);
}
