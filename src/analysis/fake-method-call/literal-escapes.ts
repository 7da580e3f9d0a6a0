// Scope-free proof, for the rule's mayReport, that `const o = { … }` is not a fixed object for the rule
// (object-shape.ts): `o` is reassigned, has a member written or deleted, or is used other than by reading a
// member (passed, returned, assigned …) somewhere in the declaration's scope where no parameter or variable of a
// nested scope hides it (so that use is surely of this declaration). An identifier `o` in the scope held in a
// place the scan does not list (a function, class or import of that name, a label …) leaves the literal
// unproven: the scan says yes only where it is sure. Places are found from the file's nodes grouped by type.
import type * as t from '@babel/types';
import { isHiddenAt, within } from '../modules/local-scopes';
import { nodesOfType } from '../modules/nodes-by-type';

type Use = 'read' | 'changed' | 'declared';

// Places an identifier can be held, with what it is there:
// - 'read': the object of a member expression, unless the member is written (what the rule allows);
// - 'changed': an expression that is read, or an assignment's left side (uses the rule refuses);
// - 'declared': declarations local-scopes.ts knows (variables, parameters, catch parameters and the parts of
//   their patterns), pattern parts of assignments (writes the rule's `constant` test already sees), and an
//   object's property value (a pattern part or, in an object expression, a use simply not counted);
// - null: a property name when not computed (`{ o: 1 }`, `a.o`, class members), not a reference.
const PLACES: Readonly<Record<string, Readonly<Record<string, Use | null>>>> = {
  MemberExpression: { object: 'read', property: null },
  OptionalMemberExpression: { object: 'changed', property: null },
  CallExpression: { callee: 'changed', arguments: 'changed' },
  OptionalCallExpression: { callee: 'changed', arguments: 'changed' },
  NewExpression: { callee: 'changed', arguments: 'changed' },
  AssignmentExpression: { left: 'changed', right: 'changed' },
  VariableDeclarator: { id: 'declared', init: 'changed' },
  ReturnStatement: { argument: 'changed' },
  ArrayExpression: { elements: 'changed' },
  SpreadElement: { argument: 'changed' },
  UpdateExpression: { argument: 'changed' },
  UnaryExpression: { argument: 'changed' },
  BinaryExpression: { left: 'changed', right: 'changed' },
  LogicalExpression: { left: 'changed', right: 'changed' },
  ConditionalExpression: { test: 'changed', consequent: 'changed', alternate: 'changed' },
  SequenceExpression: { expressions: 'changed' },
  TemplateLiteral: { expressions: 'changed' },
  TaggedTemplateExpression: { tag: 'changed' },
  AwaitExpression: { argument: 'changed' },
  YieldExpression: { argument: 'changed' },
  ExpressionStatement: { expression: 'changed' },
  ThrowStatement: { argument: 'changed' },
  IfStatement: { test: 'changed' },
  SwitchStatement: { discriminant: 'changed' },
  SwitchCase: { test: 'changed' },
  WhileStatement: { test: 'changed' },
  DoWhileStatement: { test: 'changed' },
  ForStatement: { test: 'changed', update: 'changed' },
  ForInStatement: { right: 'changed' },
  ForOfStatement: { right: 'changed' },
  ClassDeclaration: { superClass: 'changed' },
  ClassExpression: { superClass: 'changed' },
  ArrowFunctionExpression: { body: 'changed', params: 'declared' },
  FunctionDeclaration: { params: 'declared' },
  FunctionExpression: { params: 'declared' },
  ObjectMethod: { params: 'declared', key: null },
  ClassMethod: { params: 'declared', key: null },
  ClassPrivateMethod: { params: 'declared' },
  CatchClause: { param: 'declared' },
  AssignmentPattern: { left: 'declared' },
  ArrayPattern: { elements: 'declared' },
  RestElement: { argument: 'declared' },
  ObjectProperty: { value: 'declared', key: null },
  ClassProperty: { key: null },
  ClassAccessorProperty: { key: null },
};
const PLACE_LIST = Object.entries(PLACES).map(([type, keys]) => [type as t.Node['type'], Object.entries(keys)] as const);

interface Place {
  node: t.Identifier;
  use: Use;
}

/** Whether `node` and `scope` overlap in the source (a node holding something inside `scope` does). */
function overlaps(node: t.Node, scope: t.Node): boolean {
  return (node.start ?? 0) <= (scope.end ?? 0) && (scope.start ?? 0) <= (node.end ?? 0);
}

/** Member expressions on `name` that are written, deleted or updated: `o.x = 1`, `delete o.x`, `o.x++`. */
function writtenMembers(program: t.Program, name: string): Set<t.Node> {
  const written = new Set<t.Node>();
  const add = (node: t.Node): void => {
    if (node.type === 'MemberExpression' && node.object.type === 'Identifier' && node.object.name === name) written.add(node);
  };
  for (const { left } of nodesOfType(program, 'AssignmentExpression')) add(left);
  for (const { argument } of nodesOfType(program, 'UpdateExpression')) add(argument);
  for (const { operator, argument } of nodesOfType(program, 'UnaryExpression')) if (operator === 'delete') add(argument);
  return written;
}

/** How each identifier `name` inside `scope` is used; null when one of them is held in a place not listed. */
function placesIn(program: t.Program, scope: t.Node, name: string): Place[] | null {
  const identifiers = new Set<unknown>(nodesOfType(program, 'Identifier').filter((node) => node.name === name && within(node, scope)));
  const places: Place[] = [];
  const placed = new Set<unknown>();
  let written: Set<t.Node> | null = null;
  for (const [type, keys] of PLACE_LIST) {
    for (const parent of nodesOfType(program, type)) {
      if (!overlaps(parent, scope)) continue;
      for (const [key, use] of keys) {
        const value: unknown = (parent as unknown as Record<string, unknown>)[key];
        for (const held of Array.isArray(value) ? (value as unknown[]) : [value]) {
          if (!identifiers.has(held)) continue;
          placed.add(held);
          const node = held as t.Identifier;
          // A computed property name is an expression that is read.
          if (use === null) {
            if ((parent as { computed?: boolean }).computed === true) places.push({ node, use: 'changed' });
          } else if (use === 'read') {
            places.push({ node, use: (written ??= writtenMembers(program, name)).has(parent) ? 'changed' : 'read' });
          } else {
            places.push({ node, use });
          }
        }
      }
    }
  }
  return placed.size === identifiers.size ? places : null;
}

/** Whether the object literal named `name` declared in `scope` is surely changed or let out. */
export function literalEscapes(program: t.Program, name: string, scope: t.Node): boolean {
  const places = placesIn(program, scope, name);
  return places !== null && places.some(({ node, use }) => use === 'changed' && !isHiddenAt(program, name, node, scope));
}
