// Small readers of AST shapes shared by the module summaries and the rules.
import type * as t from '@babel/types';
import { literalText } from '../engine/module-references';

const OBJECT_MUTATORS = new Set(['assign', 'defineProperty', 'defineProperties', 'setPrototypeOf']);

/** The name of an import/export specifier part: an identifier or, since ES2022, a string. */
export function moduleExportName(node: t.Identifier | t.StringLiteral): string {
  return node.type === 'Identifier' ? node.name : node.value;
}

/** Every binding a declaration pattern introduces: `{ a, b: [c, ...d], ...e } = …` gives a, c, d, e. */
export function patternNames(pattern: t.Node, into: string[] = []): string[] {
  switch (pattern.type) {
    case 'Identifier':
      into.push(pattern.name);
      break;
    case 'ObjectPattern':
      for (const property of pattern.properties) patternNames(property.type === 'RestElement' ? property.argument : property.value, into);
      break;
    case 'ArrayPattern':
      for (const element of pattern.elements) if (element) patternNames(element, into);
      break;
    case 'RestElement':
      patternNames(pattern.argument, into);
      break;
    case 'AssignmentPattern':
      patternNames(pattern.left, into);
      break;
    default:
      break;
  }
  return into;
}

/** The literal name of a member or property key (`a.x`, `a['x']`, `{ x: … }`, `{ 1: … }`), or null when computed. */
export function staticKeyName(key: t.Node, computed: boolean): string | null {
  if (key.type === 'Identifier' && !computed) return key.name;
  if (key.type === 'NumericLiteral') return String(key.value);
  return literalText(key);
}

/** `[Symbol.iterator]()` and the like: a symbol key cannot be called as `x.name()`. */
export function isSymbolKey(key: t.Node): boolean {
  return key.type === 'MemberExpression' && key.object.type === 'Identifier' && key.object.name === 'Symbol';
}

/** The specifier of `require('x')` (a string or a template without expressions), or null. */
export function requireCallSpecifier(node: t.Node | null | undefined): string | null {
  if (!node || node.type !== 'CallExpression' || node.callee.type !== 'Identifier' || node.callee.name !== 'require') return null;
  return node.arguments.length === 1 ? literalText(node.arguments[0]) : null;
}

/** `Object.assign(…)`, `Object.defineProperty(…)`, `Reflect.setPrototypeOf(…)` and the like: calls that add members to their first argument. */
export function objectMutatorName(call: t.CallExpression): string | null {
  const callee = call.callee;
  if (callee.type !== 'MemberExpression' || callee.object.type !== 'Identifier' || callee.property.type !== 'Identifier') return null;
  if (callee.object.name !== 'Object' && callee.object.name !== 'Reflect') return null;
  return OBJECT_MUTATORS.has(callee.property.name) ? callee.property.name : null;
}
