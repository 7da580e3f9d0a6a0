// Reads the members of top-level classes: methods, accessors, fields, TypeScript parameter properties and
// `this.x =` assignments, plus `C.prototype.x =` / `C.x =` writes elsewhere in the file. A class whose members
// can change in ways this does not follow (index signatures, decorators, computed keys, `Object.assign(C.prototype…)`,
// merged interfaces or namespaces) is marked open, and the checks stay silent about it.
import type * as t from '@babel/types';
import { isSymbolKey, objectMutatorName, staticKeyName } from './ast-names';
import type { ClassShape } from './summary-types';
import { nodesOfType } from './nodes-by-type';
import { walk } from './walk';

type ClassNode = t.ClassDeclaration | t.ClassExpression;

function addMember(shape: ClassShape, member: t.ClassBody['body'][number]): void {
  switch (member.type) {
    case 'ClassMethod':
    case 'ClassProperty':
    case 'ClassAccessorProperty':
    case 'TSDeclareMethod': {
      const name = staticKeyName(member.key, member.computed ?? false);
      if (name === null && isSymbolKey(member.key)) break;
      if (name === null) shape.open = true;
      else if (name === 'constructor' && member.type !== 'ClassProperty') {
        addParameterProperties(shape, member);
        if (member.type === 'ClassMethod' && returnsValue(member.body)) shape.open = true;
      }
      else (member.static ? shape.statics : shape.instance).add(name);
      break;
    }
    case 'TSIndexSignature':
    case 'StaticBlock':
      shape.open = true;
      break;
    default:
      break;
  }
}

function addParameterProperties(shape: ClassShape, constructor: t.ClassMethod | t.TSDeclareMethod | t.ClassAccessorProperty): void {
  if (constructor.type === 'ClassAccessorProperty') return;
  for (const parameter of constructor.params) {
    if (parameter.type !== 'TSParameterProperty') continue;
    const binding = parameter.parameter.type === 'AssignmentPattern' ? parameter.parameter.left : parameter.parameter;
    if (binding.type === 'Identifier') shape.instance.add(binding.name);
  }
}

/** A constructor that returns an object (a Proxy, a cached instance) makes `new C()` something else. */
function returnsValue(body: t.BlockStatement): boolean {
  let found = false;
  walk(body, (node) => {
    if (node.type === 'ReturnStatement' && node.argument) found = true;
  });
  return found;
}

/** `this.x = …` inside the class body adds an instance member; `this[key] = …` makes the class open. */
function addThisAssignments(shape: ClassShape, body: t.ClassBody): void {
  walk(body, (node) => {
    if (node.type !== 'AssignmentExpression' || node.left.type !== 'MemberExpression' || node.left.object.type !== 'ThisExpression') return;
    const name = staticKeyName(node.left.property, node.left.computed);
    if (name === null) shape.open = true;
    else shape.instance.add(name);
  });
}

export function shapeOfClass(name: string, node: ClassNode): ClassShape {
  const superClass = node.superClass ? (node.superClass.type === 'Identifier' ? node.superClass.name : { unknown: true as const }) : null;
  const shape: ClassShape = { name, instance: new Set(), statics: new Set(), superClass, open: Boolean(node.decorators?.length) };
  for (const member of node.body.body) addMember(shape, member);
  addThisAssignments(shape, node.body);
  return shape;
}

function topLevelClasses(program: t.Program): Map<string, ClassShape> {
  const classes = new Map<string, ClassShape>();
  const mergedNames = new Set<string>();
  for (const statement of program.body) {
    const declaration =
      statement.type === 'ExportNamedDeclaration' || statement.type === 'ExportDefaultDeclaration' ? statement.declaration : statement;
    if (!declaration) continue;
    if (declaration.type === 'ClassDeclaration') {
      classes.set(declaration.id?.name ?? '*default*', shapeOfClass(declaration.id?.name ?? 'default', declaration));
    } else if (declaration.type === 'VariableDeclaration') {
      for (const declarator of declaration.declarations) {
        if (declarator.id.type === 'Identifier' && declarator.init?.type === 'ClassExpression') {
          classes.set(declarator.id.name, shapeOfClass(declarator.id.name, declarator.init));
        }
      }
    } else if ((declaration.type === 'TSInterfaceDeclaration' || declaration.type === 'TSModuleDeclaration') && declaration.id.type === 'Identifier') {
      mergedNames.add(declaration.id.name);
    }
  }
  for (const name of mergedNames) {
    const shape = classes.get(name);
    if (shape) shape.open = true;
  }
  return classes;
}

/** `C` for `C.x` and `C.prototype.x` member chains; whether the chain goes through `.prototype`. */
function classTarget(node: t.Node): { name: string; prototype: boolean } | null {
  if (node.type === 'Identifier') return { name: node.name, prototype: false };
  if (node.type === 'MemberExpression' && !node.computed && node.object.type === 'Identifier' && node.property.type === 'Identifier' && node.property.name === 'prototype') {
    return { name: node.object.name, prototype: true };
  }
  return null;
}

/** Applies `C.prototype.x = …`, `C.x = …`, `C.prototype = …` and `Object.assign(C.prototype, …)` anywhere in the file. */
function applyAssignment(left: t.Node, classes: Map<string, ClassShape>): void {
  if (left.type !== 'MemberExpression') return;
  const direct = left.object.type === 'Identifier' ? classes.get(left.object.name) : undefined;
  if (direct && left.property.type === 'Identifier' && !left.computed && left.property.name === 'prototype') {
    direct.open = true;
    return;
  }
  const target = classTarget(left.object);
  const shape = target && classes.get(target.name);
  if (!target || !shape) return;
  const name = staticKeyName(left.property, left.computed);
  if (name === null) shape.open = true;
  else (target.prototype ? shape.instance : shape.statics).add(name);
}

function applyCall(call: t.CallExpression, classes: Map<string, ClassShape>): void {
  const args = call.arguments;
  const isMutator = objectMutatorName(call) !== null;
  for (const [index, argument] of args.entries()) {
    const target = classTarget(argument);
    const shape = target && classes.get(target.name);
    // Handing `C.prototype` to any function (mixins), or `C` to Object.assign and friends, may add members.
    if (shape && (target.prototype || (isMutator && index === 0))) shape.open = true;
  }
}

/** Applies `C.prototype.x = …`, `C.x = …`, `C.prototype = …` and `Object.assign(C.prototype, …)` anywhere in the file. */
function applyWrites(ast: t.File, classes: Map<string, ClassShape>): void {
  for (const node of nodesOfType(ast.program, 'AssignmentExpression')) applyAssignment(node.left, classes);
  for (const node of nodesOfType(ast.program, 'CallExpression')) applyCall(node, classes);
}

export function scanClasses(ast: t.File): Map<string, ClassShape> {
  const classes = topLevelClasses(ast.program);
  if (classes.size > 0) applyWrites(ast, classes);
  return classes;
}
