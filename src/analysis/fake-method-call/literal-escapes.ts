// Scope-free proof, for the rule's mayReport, that `const o = { … }` is not a fixed object for the rule
// (object-shape.ts): `o` is reassigned, has a member written or deleted, or is used other than by reading a
// member (passed, returned, assigned …) somewhere in the declaration's scope where no parameter or variable of a
// nested scope hides it (so that use is surely of this declaration). Any occurrence of the name the scan does
// not know (a function, class or import of that name, a label …) leaves the literal unproven: the scan says
// yes only where it is sure.
import type * as t from '@babel/types';
import { isHiddenAt } from '../modules/local-scopes';
import { occurrencesOf, type Holder, type NameOccurrences } from '../modules/name-occurrences';

// Property keys (`{ o: 1 }`, `a.o`, class members): not references when not computed.
const KEYED_TYPES = new Set(['ObjectProperty', 'ObjectMethod', 'ClassProperty', 'ClassMethod', 'ClassAccessorProperty', 'TSPropertySignature', 'TSMethodSignature']);
// Positions that only ever hold an expression that is read (or, for an assignment's left side, written).
const USE_POSITIONS: Readonly<Record<string, readonly string[]>> = {
  CallExpression: ['callee', 'arguments'],
  OptionalCallExpression: ['callee', 'arguments'],
  NewExpression: ['callee', 'arguments'],
  AssignmentExpression: ['left', 'right'],
  VariableDeclarator: ['init'],
  ReturnStatement: ['argument'],
  ArrayExpression: ['elements'],
  SpreadElement: ['argument'],
  UpdateExpression: ['argument'],
  UnaryExpression: ['argument'],
  BinaryExpression: ['left', 'right'],
  LogicalExpression: ['left', 'right'],
  ConditionalExpression: ['test', 'consequent', 'alternate'],
  SequenceExpression: ['expressions'],
  TemplateLiteral: ['expressions'],
  TaggedTemplateExpression: ['tag'],
  OptionalMemberExpression: ['object'],
  AwaitExpression: ['argument'],
  YieldExpression: ['argument'],
  ArrowFunctionExpression: ['body'],
  ExpressionStatement: ['expression'],
  ThrowStatement: ['argument'],
  IfStatement: ['test'],
  SwitchStatement: ['discriminant'],
  SwitchCase: ['test'],
  WhileStatement: ['test'],
  DoWhileStatement: ['test'],
  ForStatement: ['test', 'update'],
  ForInStatement: ['right'],
  ForOfStatement: ['right'],
  ClassDeclaration: ['superClass'],
  ClassExpression: ['superClass'],
};
// Declarations local-scopes.ts knows (variables, parameters, catch parameters, and the parts of their
// patterns), and pattern parts of assignments (writes the rule's `constant` test already sees): neither a use
// to count nor a declaration the scan cannot place. An object's property value is here too (a pattern part
// or, in an object expression, a use that is simply not counted).
const DECLARATION_POSITIONS: Readonly<Record<string, readonly string[]>> = {
  VariableDeclarator: ['id'],
  FunctionDeclaration: ['params'],
  FunctionExpression: ['params'],
  ArrowFunctionExpression: ['params'],
  ObjectMethod: ['params'],
  ClassMethod: ['params'],
  ClassPrivateMethod: ['params'],
  CatchClause: ['param'],
  AssignmentPattern: ['left'],
  ArrayPattern: ['elements'],
  RestElement: ['argument'],
  ObjectProperty: ['value'],
};

function isPropertyName({ parent, key }: Holder): boolean {
  if (key === 'property') return (parent.type === 'MemberExpression' || parent.type === 'OptionalMemberExpression') && !parent.computed;
  return key === 'key' && KEYED_TYPES.has(parent.type) && !(parent as { computed?: boolean }).computed;
}

/** A member written, deleted or updated: `o.x = 1`, `delete o.x`, `o.x++`. */
function isMemberWrite(holder: Holder | undefined): boolean {
  if (!holder) return false;
  const { parent, key } = holder;
  if (parent.type === 'AssignmentExpression') return key === 'left';
  return parent.type === 'UpdateExpression' || (parent.type === 'UnaryExpression' && parent.operator === 'delete');
}

type Use = 'read' | 'declared' | 'changed' | 'unknown';

/** 'read' (a member read: the only use the rule allows), 'declared' (see DECLARATION_POSITIONS), 'changed' (a use it refuses) or 'unknown'. */
function useOf(found: NameOccurrences, { parent, key }: Holder): Use {
  if (parent.type === 'MemberExpression' && key === 'object') return isMemberWrite(found.memberHolders.get(parent)) ? 'changed' : 'read';
  if (parent.type === 'MemberExpression' && key === 'property') return 'changed';
  if (USE_POSITIONS[parent.type]?.includes(key)) return 'changed';
  return DECLARATION_POSITIONS[parent.type]?.includes(key) ? 'declared' : 'unknown';
}

/** Whether the object literal named `name` declared in `scope` is surely changed or let out. */
export function literalEscapes(program: t.Program, name: string, scope: t.Node): boolean {
  // Outside its scope the name cannot be this literal, nor can a declaration there hide it inside.
  const found = occurrencesOf(scope, name);
  let changed = false;
  for (const occurrence of found.occurrences) {
    if (isPropertyName(occurrence)) continue;
    const use = useOf(found, occurrence);
    if (use === 'unknown') return false;
    if (use === 'changed' && !changed) changed = !isHiddenAt(program, name, occurrence.node, scope);
  }
  return changed;
}
