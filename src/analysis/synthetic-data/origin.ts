// Works out where a value comes from, following the aliases code uses to hide it:
// `const r = Math.random`, `const {random} = Math`, `Math['random']`, `globalThis.Math.random`,
// `require('crypto').pseudoRandomBytes`, `import {random} from 'mathjs'`, and functions that return such values.
import type { Binding, NodePath } from '@babel/traverse';
import type { Node } from '@babel/types';
import { literalText } from '../engine/module-references';

/** A value reached from a global (`module: null`) or from a module's exports, then through `members`. */
export interface Origin {
  module: string | null;
  members: readonly string[];
}

const GLOBAL_OBJECTS = new Set(['globalThis', 'global', 'window', 'self']);
const MAX_DEPTH = 12;
export const CALL_RESULT = '()';

function member(origin: Origin | null, name: string | null): Origin | null {
  if (!origin || name === null) return null;
  if (origin.module === null && origin.members.length === 0 && GLOBAL_OBJECTS.has(name)) return origin;
  return { module: origin.module, members: [...origin.members, name] };
}

function moduleOrigin(specifier: string): Origin {
  return { module: specifier.startsWith('node:') ? specifier.slice(5) : specifier, members: [] };
}

function propertyName(node: Node, computed: boolean): string | null {
  if (!computed && node.type === 'Identifier') return node.name;
  if (computed) return literalText(node);
  return null;
}

/** The keys leading from the root of a destructuring pattern to `target`, or null if it sits in an array pattern. */
function patternKeys(pattern: Node, target: Node): string[] | null {
  if (pattern === target) return [];
  if (pattern.type === 'AssignmentPattern') return patternKeys(pattern.left, target);
  if (pattern.type !== 'ObjectPattern') return null;
  for (const property of pattern.properties) {
    if (property.type !== 'ObjectProperty') continue;
    const inner = patternKeys(property.value, target);
    if (inner === null) continue;
    const key = propertyName(property.key, property.computed);
    return key === null ? null : [key, ...inner];
  }
  return null;
}

function functionOf(binding: Binding): NodePath | null {
  const path = binding.path;
  if (path.isFunctionDeclaration()) return path;
  if (path.isVariableDeclarator()) {
    const init = path.get('init');
    if (init.isFunctionExpression() || init.isArrowFunctionExpression()) return init;
  }
  return null;
}

function bindingOrigin(binding: Binding, depth: number): Origin | null {
  if (binding.constantViolations.length > 0) return null;
  const path = binding.path;
  if (path.isImportSpecifier()) {
    const source = (path.parentPath.node as { source: { value: string } }).source.value;
    const imported = path.node.imported;
    return member(moduleOrigin(source), imported.type === 'Identifier' ? imported.name : imported.value);
  }
  if (path.isImportDefaultSpecifier() || path.isImportNamespaceSpecifier()) {
    // A default import of a CommonJS module is the module object itself.
    return moduleOrigin((path.parentPath.node as { source: { value: string } }).source.value);
  }
  if (path.isVariableDeclarator()) {
    const init = path.get('init');
    if (!init.node) return null;
    const keys = patternKeys(path.node.id, binding.identifier);
    if (keys === null) return null;
    let origin = originOf(init as NodePath, depth + 1);
    for (const key of keys) origin = member(origin, key);
    return origin;
  }
  return null;
}

// A file calls the same helpers many times: each function's returns are worked out once per depth.
const returnedByFunction = new WeakMap<Node, Map<number, Origin | null>>();

/** The single origin all `return`s of a function agree on, or null. */
function returnedOrigin(fn: NodePath, depth: number): Origin | null {
  let known = returnedByFunction.get(fn.node);
  if (!known) returnedByFunction.set(fn.node, (known = new Map()));
  if (!known.has(depth)) known.set(depth, agreedReturn(fn, depth));
  return known.get(depth) ?? null;
}

function agreedReturn(fn: NodePath, depth: number): Origin | null {
  if (fn.isArrowFunctionExpression() && fn.node.expression) return originOf(fn.get('body') as NodePath, depth + 1);
  const returned: Array<NodePath | null> = [];
  fn.traverse({
    Function(inner) {
      inner.skip();
    },
    ReturnStatement(ret) {
      const argument = ret.get('argument');
      returned.push(argument.node ? (argument as NodePath) : null);
    },
  });
  if (returned.length === 0) return null;
  let agreed: Origin | null = null;
  for (const value of returned) {
    const origin = value && originOf(value, depth + 1);
    if (!origin) return null;
    if (agreed && !sameOrigin(agreed, origin)) return null;
    agreed = origin;
  }
  return agreed;
}

export function sameOrigin(a: Origin, b: Origin): boolean {
  return a.module === b.module && a.members.length === b.members.length && a.members.every((m, i) => m === b.members[i]);
}

function callOrigin(path: NodePath, depth: number): Origin | null {
  const node = path.node;
  if (node.type !== 'CallExpression') return null;
  const callee = node.callee;
  const firstArgument = literalText(node.arguments[0]);
  if (callee.type === 'Import' && firstArgument !== null) return moduleOrigin(firstArgument);
  if (callee.type === 'Identifier' && callee.name === 'require' && !path.scope.hasBinding('require')) {
    return firstArgument === null ? null : moduleOrigin(firstArgument);
  }
  if (callee.type === 'Identifier') {
    const binding = path.scope.getBinding(callee.name);
    const fn = binding && functionOf(binding);
    if (fn) return returnedOrigin(fn, depth);
  }
  // The result of calling a module's function, e.g. mathjs `create(all)`, is marked by a `()` member.
  const calleeOrigin = originOf(path.get('callee') as NodePath, depth + 1);
  return calleeOrigin && calleeOrigin.module !== null ? member(calleeOrigin, CALL_RESULT) : null;
}

function thisOrigin(path: NodePath): Origin | null {
  const enclosing = path.findParent((p) => (p.isFunction() && !p.isArrowFunctionExpression()) || p.isClass());
  return enclosing ? null : { module: null, members: [] };
}

/** Where the value of the expression at `path` comes from, or null when it cannot be told statically. */
export function originOf(path: NodePath, depth = 0): Origin | null {
  if (depth > MAX_DEPTH) return null;
  const node = path.node;
  switch (node.type) {
    case 'Identifier': {
      const binding = path.scope.getBinding(node.name);
      if (!binding) return member({ module: null, members: [] }, node.name);
      return bindingOrigin(binding, depth);
    }
    case 'MemberExpression':
    case 'OptionalMemberExpression':
      return member(originOf(path.get('object') as NodePath, depth + 1), propertyName(node.property, node.computed));
    case 'ThisExpression':
      return thisOrigin(path);
    case 'CallExpression':
      return callOrigin(path, depth);
    case 'AwaitExpression':
    case 'TSAsExpression':
    case 'TSNonNullExpression':
    case 'TSSatisfiesExpression':
    case 'TSTypeAssertion':
    case 'ParenthesizedExpression':
    case 'TypeCastExpression':
      return originOf(path.get(node.type === 'AwaitExpression' ? 'argument' : 'expression') as NodePath, depth + 1);
    case 'SequenceExpression': {
      const expressions = path.get('expressions') as NodePath[];
      return originOf(expressions[expressions.length - 1]!, depth + 1);
    }
    default:
      return null;
  }
}
