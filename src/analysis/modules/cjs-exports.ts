// Reads CommonJS exports the way Node's cjs-module-lexer does (`exports.x =`, `module.exports.x =`,
// `Object.defineProperty(exports, 'x', …)`, `module.exports = { … }`, re-exports through `require`),
// and marks the shape dynamic where the lexer would miss names (`module.exports = build()`, `exports[k] =`).
import type * as t from '@babel/types';
import { objectMutatorName, patternNames, requireCallSpecifier, staticKeyName } from './ast-names';
import { nodesOfType } from './nodes-by-type';
import type { CjsExports, ModuleRef } from './summary-types';

export interface CjsScan {
  cjs: CjsExports;
  /** Export name (or `=` for `module.exports = X`) → local binding. */
  exportedBindings: Map<string, string>;
  /** `const x = require('m')` (`=`) and `const { a: x } = require('m')` (`a`). */
  imports: Map<string, ModuleRef>;
}

type ExportsTarget = 'exports' | 'module.exports' | null;

function isIdentifier(node: t.Node, name: string): boolean {
  return node.type === 'Identifier' && node.name === name;
}

/** Whether `node` is `exports` or `module.exports`. */
function exportsObject(node: t.Node): ExportsTarget {
  if (isIdentifier(node, 'exports')) return 'exports';
  if (node.type === 'MemberExpression' && !node.computed && isIdentifier(node.object, 'module') && isIdentifier(node.property, 'exports')) {
    return 'module.exports';
  }
  return null;
}

function addObjectLiteral(object: t.ObjectExpression, scan: CjsScan): void {
  for (const property of object.properties) {
    if (property.type === 'SpreadElement') {
      const reexport = requireCallSpecifier(property.argument);
      if (reexport !== null) scan.cjs.reexports.push(reexport);
      else scan.cjs.dynamic = true;
      continue;
    }
    const name = staticKeyName(property.key, property.computed);
    if (name === null) {
      scan.cjs.dynamic = true;
      continue;
    }
    scan.cjs.names.add(name);
    if (property.type === 'ObjectProperty' && property.value.type === 'Identifier') scan.exportedBindings.set(name, property.value.name);
  }
}

function addModuleExportsAssignment(value: t.Expression, scan: CjsScan): void {
  const reexport = requireCallSpecifier(value);
  if (value.type === 'ObjectExpression') addObjectLiteral(value, scan);
  else if (reexport !== null) scan.cjs.reexports.push(reexport);
  else {
    // A function, class or call result: its properties are not the lexer's to know.
    scan.cjs.dynamic = true;
    if (value.type === 'Identifier') scan.exportedBindings.set('=', value.name);
    if (value.type === 'ClassExpression' && value.id) scan.exportedBindings.set('=', value.id.name);
  }
}

function onAssignment(node: t.AssignmentExpression, scan: CjsScan): void {
  const left = node.left;
  if (exportsObject(left) === 'module.exports') {
    addModuleExportsAssignment(node.right, scan);
    return;
  }
  if (left.type !== 'MemberExpression' || !exportsObject(left.object)) return;
  const name = staticKeyName(left.property, left.computed);
  if (name === null) scan.cjs.dynamic = true;
  else {
    scan.cjs.names.add(name);
    if (node.right.type === 'Identifier') scan.exportedBindings.set(name, node.right.name);
  }
}

const REEXPORT_HELPERS = new Set(['__exportStar', '__export']);

function onCall(node: t.CallExpression, scan: CjsScan): void {
  const callee = node.callee;
  const [first, second] = node.arguments;
  if (!first) return;
  const calleeName = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' && callee.property.type === 'Identifier' ? callee.property.name : null;
  if (calleeName !== null && REEXPORT_HELPERS.has(calleeName)) {
    const reexport = requireCallSpecifier(first);
    if (reexport !== null) scan.cjs.reexports.push(reexport);
    return;
  }
  const mutator = objectMutatorName(node);
  if (mutator === null || !exportsObject(first)) return;
  if (mutator === 'defineProperty' && second?.type === 'StringLiteral') scan.cjs.names.add(second.value);
  else scan.cjs.dynamic = true;
}

function onDeclarator(node: t.VariableDeclarator, scan: CjsScan): void {
  const specifier = requireCallSpecifier(node.init);
  if (specifier === null) return;
  if (node.id.type === 'Identifier') scan.imports.set(node.id.name, { specifier, imported: '=', kind: 'require' });
  if (node.id.type !== 'ObjectPattern') return;
  for (const property of node.id.properties) {
    if (property.type === 'RestElement') continue;
    const name = staticKeyName(property.key, property.computed);
    const [local] = patternNames(property.value);
    if (name !== null && local !== undefined) scan.imports.set(local, { specifier, imported: name, kind: 'require' });
  }
}

export function scanCjsExports(ast: t.File): CjsScan {
  const scan: CjsScan = { cjs: { names: new Set(), reexports: [], dynamic: false }, exportedBindings: new Map(), imports: new Map() };
  for (const node of nodesOfType(ast.program, 'AssignmentExpression')) onAssignment(node, scan);
  for (const node of nodesOfType(ast.program, 'CallExpression')) onCall(node, scan);
  for (const node of nodesOfType(ast.program, 'VariableDeclarator')) onDeclarator(node, scan);
  return scan;
}
