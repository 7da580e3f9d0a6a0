// What the synthetic_data rules' mayReport scans read: the file's identifier names and string values (escapes
// already decoded by the parser), and the module specifiers it names. Every name a rule resolves (`Math`,
// `pseudoRandomBytes`, a package's random function) is an identifier, a string or a template without
// expressions somewhere in the file, and every package a rule names is a module specifier of the file. The
// names are scanned, not collected: a set of every word of every file cost more than the few look-ups.
import type * as t from '@babel/types';
import { literalText } from '../engine/module-references';
import { nodesOfType } from '../modules/nodes-by-type';
import type { AstFileContext } from '../types';
import { isExempt } from './exempt';

/** Whether an identifier, string or template of the file is a word `accepts`. */
function hasWord(program: t.Program, accepts: (word: string) => boolean): boolean {
  for (const node of nodesOfType(program, 'Identifier')) if (accepts(node.name)) return true;
  for (const node of nodesOfType(program, 'StringLiteral')) if (accepts(node.value)) return true;
  for (const node of nodesOfType(program, 'TemplateElement')) if (node.value.cooked != null && accepts(node.value.cooked)) return true;
  return false;
}

// On the node, not in a WeakMap, for the reason given in modules/nodes-by-type.ts.
const SPECIFIERS = Symbol('moduleSpecifiers');

/**
 * Every module specifier the file names literally: import and export-from sources, `import x = require()`,
 * and the first argument of `require()` (whatever `require` is bound to) and `import()`.
 */
function moduleSpecifiers(program: t.Program & { [SPECIFIERS]?: string[] }): readonly string[] {
  let specifiers = program[SPECIFIERS];
  if (!specifiers) {
    specifiers = [];
    for (const { source } of nodesOfType(program, 'ImportDeclaration')) specifiers.push(source.value);
    for (const { source } of nodesOfType(program, 'ExportAllDeclaration')) specifiers.push(source.value);
    for (const { source } of nodesOfType(program, 'ExportNamedDeclaration')) if (source) specifiers.push(source.value);
    for (const { moduleReference } of nodesOfType(program, 'TSImportEqualsDeclaration')) {
      if (moduleReference.type === 'TSExternalModuleReference') specifiers.push(moduleReference.expression.value);
    }
    for (const { callee, arguments: args } of nodesOfType(program, 'CallExpression')) {
      const loads = callee.type === 'Import' || (callee.type === 'Identifier' && callee.name === 'require');
      const specifier = loads ? literalText(args[0]) : null;
      if (specifier !== null) specifiers.push(specifier);
    }
    for (const { source } of nodesOfType(program, 'ImportExpression')) {
      const specifier = literalText(source);
      if (specifier !== null) specifiers.push(specifier);
    }
    program[SPECIFIERS] = specifiers;
  }
  return specifiers;
}

/** A mayReport for a synthetic_data rule: the file is not exempt and has a word `accepts`. */
export function mayReportWord(accepts: (word: string) => boolean): (context: AstFileContext) => boolean {
  return (context) => !isExempt(context) && hasWord(context.ast.program, accepts);
}

/** A mayReport for a synthetic_data rule: the file is not exempt and names a module `accepts`. */
export function mayReportSpecifier(accepts: (specifier: string) => boolean): (context: AstFileContext) => boolean {
  return (context) => !isExempt(context) && moduleSpecifiers(context.ast.program).some(accepts);
}
