// The fake_method_call rule's mayReport, without scopes: it looks for a call `r.m()` where `r` may be one of
// the receivers the rule knows and `m` may be missing from it. Bindings are matched by name only, so every
// receiver the rule resolves is among those considered here (and some that are not the same binding):
// - `X.m()` where X is a class the module index knows (static side), or a variable initialised with `new C()`
//   (instance side) or with an object literal without key `m` that the literal-escapes scan cannot prove
//   changed or let out, when the call is in the variable's scope and no parameter or variable of a nested
//   scope surely hides it there (modules/local-scopes.ts);
// - `new C().m()`;
// - `this.f.m()` where `this.f = new C()` or a class field `f = new C()` appears in the file.
import type * as t from '@babel/types';
import { patternNames, requireCallSpecifier, staticKeyName } from '../modules/ast-names';
import { declarationScope, isHiddenAt, within } from '../modules/local-scopes';
import { nodesOfType } from '../modules/nodes-by-type';
import type { AstFileContext, ClassMembers } from '../types';
import { hasInstanceMember, hasStaticMember, OBJECT_MEMBERS } from './always-present';
import { literalEscapes } from './literal-escapes';
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

/** A variable `name` of `declaration`; its scope is worked out when a call needs it. */
class LocalVariable {
  private scope: t.Node | null = null;

  constructor(
    private readonly program: t.Program,
    readonly name: string,
    private readonly declaration: t.VariableDeclaration,
  ) {}

  scopeNode(): t.Node {
    return (this.scope ??= declarationScope(this.program, this.declaration));
  }

  /** Whether `name` at `node` may be this variable: inside its scope and not surely hidden by a nested declaration. */
  mayBeSeenAt(node: t.Node): boolean {
    const scope = this.scopeNode();
    return within(node, scope) && !isHiddenAt(this.program, this.name, node, scope);
  }
}

interface Instance {
  variable: LocalVariable;
  className: string;
}

interface ObjectLiteral {
  variable: LocalVariable;
  keys: ReadonlySet<string>;
}

function push<T>(map: Map<string, T[]>, name: string, value: T): void {
  const list = map.get(name);
  if (list) list.push(value);
  else map.set(name, [value]);
}

/** Variables named in `receivers` set to `new C()` and to object literals of fixed keys, by name. */
function localVariables(program: t.Program, receivers: ReadonlySet<string>): { instances: Map<string, Instance[]>; literals: Map<string, ObjectLiteral[]> } {
  const instances = new Map<string, Instance[]>();
  const literals = new Map<string, ObjectLiteral[]>();
  for (const declaration of nodesOfType(program, 'VariableDeclaration')) {
    for (const { id, init } of declaration.declarations) {
      if (id.type !== 'Identifier' || !receivers.has(id.name)) continue;
      const className = newedClassName(init);
      const keys = init?.type === 'ObjectExpression' ? literalKeys(init) : null;
      if (className !== null) push(instances, id.name, { variable: new LocalVariable(program, id.name, declaration), className });
      else if (keys !== null) push(literals, id.name, { variable: new LocalVariable(program, id.name, declaration), keys });
    }
  }
  return { instances, literals };
}

/** `this` fields set to `new C()` (`this.f = new C()`, `f = new C()` in a class body), by name. */
function constructedFields(program: t.Program): NamesToClasses {
  const fields: NamesToClasses = new Map();
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
  return fields;
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
  const escapes = new Map<LocalVariable, boolean>();
  const lacksOnLiteral = ({ variable, keys }: ObjectLiteral, call: t.CallExpression, method: string): boolean => {
    if (OBJECT_MEMBERS.has(method) || keys.has(method) || !variable.mayBeSeenAt(call)) return false;
    if (!escapes.has(variable)) escapes.set(variable, literalEscapes(program, variable.name, variable.scopeNode()));
    return !escapes.get(variable);
  };
  const lacksOnInstance = ({ variable, className }: Instance, call: t.CallExpression, method: string): boolean => {
    const members = classNamed(className);
    return members !== null && !hasInstanceMember(members, method) && variable.mayBeSeenAt(call);
  };
  const receivers = new Set<string>();
  for (const { callee } of calls) if (callee.type === 'MemberExpression' && callee.object.type === 'Identifier') receivers.add(callee.object.name);
  const { instances, literals } = localVariables(program, receivers);
  const fields = constructedFields(program);
  for (const call of calls) {
    const callee = call.callee;
    if (callee.type !== 'MemberExpression') continue;
    const method = staticKeyName(callee.property, callee.computed);
    if (method === null) continue;
    const object = callee.object;
    if (object.type === 'Identifier') {
      if (literals.get(object.name)?.some((literal) => lacksOnLiteral(literal, call, method))) return true;
      const members = classNamed(object.name);
      if (members && !hasStaticMember(members, method)) return true;
      if (instances.get(object.name)?.some((instance) => lacksOnInstance(instance, call, method))) return true;
    } else if (object.type === 'NewExpression') {
      if (object.callee.type === 'Identifier' && lacksOnInstances([object.callee.name], method)) return true;
    } else if (object.type === 'MemberExpression' && object.object.type === 'ThisExpression' && !object.computed && object.property.type === 'Identifier') {
      if (lacksOnInstances(fields.get(object.property.name), method)) return true;
    }
  }
  return false;
}
