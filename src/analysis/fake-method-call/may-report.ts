// The fake_method_call rule's mayReport, without scopes: it looks for a call `r.m()` where `r` may be one of
// the receivers the rule knows and `m` may be missing from it. Bindings are matched by name only, so every
// receiver the rule resolves is among those considered here (and some that are not the same binding):
// - `X.m()` where X is a class the module index knows (static side), or a variable initialised with `new C()`
//   anywhere in the file (instance side), or a variable initialised with an object literal without key `m`
//   (when the call is inside the function that declares it);
// - `new C().m()`;
// - `this.f.m()` where `this.f = new C()` or a class field `f = new C()` appears in the file.
import type * as t from '@babel/types';
import { patternNames, requireCallSpecifier, staticKeyName } from '../modules/ast-names';
import { nodesOfType } from '../modules/nodes-by-type';
import type { AstFileContext, ClassMembers } from '../types';
import { hasInstanceMember, hasStaticMember, OBJECT_MEMBERS } from './always-present';
import { literalKeys } from './object-shape';

type NamesToClasses = Map<string, Set<string>>;

function add(map: NamesToClasses, name: string, className: string): void {
  let classes = map.get(name);
  if (!classes) map.set(name, (classes = new Set()));
  classes.add(className);
}

function newedClassName(node: t.Node | null | undefined): string | null {
  return node?.type === 'NewExpression' && node.callee.type === 'Identifier' ? node.callee.name : null;
}

/** Variables and `this` fields set to `new C()`, by name. */
function constructedNames(program: t.Program): { variables: NamesToClasses; fields: NamesToClasses } {
  const variables: NamesToClasses = new Map();
  const fields: NamesToClasses = new Map();
  for (const { id, init } of nodesOfType(program, 'VariableDeclarator')) {
    const className = newedClassName(init);
    if (className !== null && id.type === 'Identifier') add(variables, id.name, className);
  }
  for (const { left, right } of nodesOfType(program, 'AssignmentExpression')) {
    const className = newedClassName(right);
    if (className !== null && left.type === 'MemberExpression' && left.object.type === 'ThisExpression' && !left.computed && left.property.type === 'Identifier') {
      add(fields, left.property.name, className);
    }
  }
  for (const { key, value, computed } of nodesOfType(program, 'ClassProperty')) {
    const className = newedClassName(value);
    if (className !== null && !computed && key.type === 'Identifier') add(fields, key.name, className);
  }
  return { variables, fields };
}

const FUNCTION_TYPES = ['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression', 'ObjectMethod', 'ClassMethod', 'ClassPrivateMethod'] as const;

/** Where a binding can be seen: at most the innermost function around its declaration (or the whole file). */
interface Extent {
  start: number;
  end: number;
}

function innermostFunction(program: t.Program, node: t.Node): Extent {
  let extent: Extent = { start: program.start ?? 0, end: program.end ?? Infinity };
  for (const type of FUNCTION_TYPES) {
    for (const fn of nodesOfType(program, type)) {
      const start = fn.start ?? 0;
      const end = fn.end ?? Infinity;
      if (start <= (node.start ?? 0) && end >= (node.end ?? Infinity) && start >= extent.start) extent = { start, end };
    }
  }
  return extent;
}

interface ObjectLiteral extends Extent {
  keys: ReadonlySet<string>;
}

/** Variables initialised with an object literal of fixed keys, by name, with where each can be seen. */
function objectLiterals(program: t.Program): Map<string, ObjectLiteral[]> {
  const byName = new Map<string, ObjectLiteral[]>();
  for (const declarator of nodesOfType(program, 'VariableDeclarator')) {
    const { id, init } = declarator;
    const keys = id.type === 'Identifier' && init?.type === 'ObjectExpression' ? literalKeys(init) : null;
    if (id.type !== 'Identifier' || keys === null) continue;
    const literal = { keys, ...innermostFunction(program, declarator) };
    const list = byName.get(id.name);
    if (list) list.push(literal);
    else byName.set(id.name, [literal]);
  }
  return byName;
}

function lacksKey(literals: readonly ObjectLiteral[] | undefined, call: t.Node, method: string): boolean {
  const at = call.start ?? 0;
  return !OBJECT_MEMBERS.has(method) && (literals ?? []).some((literal) => at >= literal.start && at <= literal.end && !literal.keys.has(method));
}

/**
 * Every name the module index could take for a class of this file (its summary's classes and imports): class
 * declarations, `const C = class …`, import locals and `require` bindings, wherever they are. Other names are
 * not looked up, which spares summarising the file when none of its calls could be on a class.
 */
function possibleClassNames(program: t.Program): Set<string> {
  const names = new Set<string>();
  for (const { id } of nodesOfType(program, 'ClassDeclaration')) if (id) names.add(id.name);
  for (const { specifiers } of nodesOfType(program, 'ImportDeclaration')) for (const part of specifiers) names.add(part.local.name);
  for (const { id } of nodesOfType(program, 'TSImportEqualsDeclaration')) names.add(id.name);
  for (const { id, init } of nodesOfType(program, 'VariableDeclarator')) {
    if (init?.type === 'ClassExpression' || requireCallSpecifier(init) !== null) for (const name of patternNames(id)) names.add(name);
  }
  return names;
}

export function mayReportMethodCalls(context: AstFileContext): boolean {
  const program = context.ast.program;
  const calls = nodesOfType(program, 'CallExpression');
  if (calls.length === 0) return false;
  const candidates = possibleClassNames(program);
  const classes = new Map<string, ClassMembers | null>();
  const classNamed = (name: string): ClassMembers | null => {
    if (!candidates.has(name)) return null;
    if (!classes.has(name)) classes.set(name, context.modules.classMembers(context.file, name));
    return classes.get(name) ?? null;
  };
  const lacksOnInstances = (classNames: Iterable<string> | undefined, method: string): boolean => {
    for (const name of classNames ?? []) {
      const members = classNamed(name);
      if (members && !hasInstanceMember(members, method)) return true;
    }
    return false;
  };
  const { variables, fields } = constructedNames(program);
  const literals = objectLiterals(program);
  for (const call of calls) {
    const callee = call.callee;
    if (callee.type !== 'MemberExpression') continue;
    const method = staticKeyName(callee.property, callee.computed);
    if (method === null) continue;
    const object = callee.object;
    if (object.type === 'Identifier') {
      if (lacksKey(literals.get(object.name), call, method)) return true;
      const members = classNamed(object.name);
      if (members && !hasStaticMember(members, method)) return true;
      if (lacksOnInstances(variables.get(object.name), method)) return true;
    } else if (object.type === 'NewExpression') {
      if (object.callee.type === 'Identifier' && lacksOnInstances([object.callee.name], method)) return true;
    } else if (object.type === 'MemberExpression' && object.object.type === 'ThisExpression' && !object.computed && object.property.type === 'Identifier') {
      if (lacksOnInstances(fields.get(object.property.name), method)) return true;
    }
  }
  return false;
}
