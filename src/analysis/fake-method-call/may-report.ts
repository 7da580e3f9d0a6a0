// The fake_method_call rule's mayReport, without scopes: it looks for a call `r.m()` where `r` may be one of
// the receivers the rule knows and `m` may be missing from it. Bindings are matched by name only, so every
// receiver the rule resolves is among those considered here (and some that are not the same binding):
// - `X.m()` where X is a class the module index knows (static side), or a variable initialised with `new C()`
//   anywhere in the file (instance side), or a variable initialised with an object literal without key `m`;
// - `new C().m()`;
// - `this.f.m()` where `this.f = new C()` or a class field `f = new C()` appears in the file.
import type * as t from '@babel/types';
import { staticKeyName } from '../modules/ast-names';
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

/** The fixed key sets of variables initialised with an object literal, by name. */
function objectLiteralKeys(program: t.Program): Map<string, Array<ReadonlySet<string>>> {
  const byName = new Map<string, Array<ReadonlySet<string>>>();
  for (const { id, init } of nodesOfType(program, 'VariableDeclarator')) {
    const keys = id.type === 'Identifier' && init?.type === 'ObjectExpression' ? literalKeys(init) : null;
    if (id.type !== 'Identifier' || keys === null) continue;
    const list = byName.get(id.name);
    if (list) list.push(keys);
    else byName.set(id.name, [keys]);
  }
  return byName;
}

export function mayReportMethodCalls(context: AstFileContext): boolean {
  const program = context.ast.program;
  const calls = nodesOfType(program, 'CallExpression');
  if (calls.length === 0) return false;
  const classes = new Map<string, ClassMembers | null>();
  const classNamed = (name: string): ClassMembers | null => {
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
  const objectLiterals = objectLiteralKeys(program);
  for (const { callee } of calls) {
    if (callee.type !== 'MemberExpression') continue;
    const method = staticKeyName(callee.property, callee.computed);
    if (method === null) continue;
    const object = callee.object;
    if (object.type === 'Identifier') {
      if (objectLiterals.get(object.name)?.some((keys) => !OBJECT_MEMBERS.has(method) && !keys.has(method))) return true;
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
