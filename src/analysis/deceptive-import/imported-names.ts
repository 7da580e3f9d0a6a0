// What an import-like declaration takes from a module, and what the module offers: shared by the rule's
// visitor and its scope-free mayReport scan, so both judge the same names.
import type * as t from '@babel/types';
import { moduleExportName, staticKeyName } from '../modules/ast-names';
import { isUrlSpecifier } from '../modules/resolve';
import type { AstFileContext, ModuleExports, ModuleLoadKind } from '../types';

export interface Target {
  specifier: string;
  exports: ModuleExports;
}

/** A name taken from a module (`default` for a default import) and the node a report points at. */
export interface TakenName {
  node: t.Node;
  name: string;
}

/** The exports `specifier` offers from this file, or null (unresolved, unknown or dynamic shape: stay silent). */
export function targetOf(context: AstFileContext, specifier: string, kind: ModuleLoadKind): Target | null | 'unresolved' {
  if (isUrlSpecifier(specifier)) return null;
  const resolved = context.modules.resolve(specifier, context.file, kind);
  if (resolved === null) return 'unresolved';
  const file = resolved === 'builtin' ? (specifier.startsWith('node:') ? specifier : `node:${specifier}`) : resolved;
  const exports = context.modules.exportsOf(file, kind);
  return exports && !exports.dynamic ? { specifier, exports } : null;
}

export function hasExport(exports: ModuleExports, name: string): boolean {
  return name === 'default' ? exports.hasDefault : exports.names.has(name);
}

export function isTypeOnly(kind: string | null | undefined): boolean {
  return kind === 'type' || kind === 'typeof';
}

/** Whether an import declaration brings in a value (not only types); `import 'x'` does. */
export function importsValues(node: t.ImportDeclaration): boolean {
  if (isTypeOnly(node.importKind)) return false;
  return node.specifiers.length === 0 || node.specifiers.some((part) => part.type !== 'ImportSpecifier' || !isTypeOnly(part.importKind));
}

/** Names imported by name or as the default; namespace imports are judged by their uses. */
export function importedNames(node: t.ImportDeclaration): TakenName[] {
  const names: TakenName[] = [];
  for (const part of node.specifiers) {
    if (part.type === 'ImportSpecifier' && !isTypeOnly(part.importKind)) names.push({ node: part.imported, name: moduleExportName(part.imported) });
    else if (part.type === 'ImportDefaultSpecifier') names.push({ node: part, name: 'default' });
  }
  return names;
}

/** Names `export { a, b as c } from 'm'` (and `export v from 'm'`) take from the module. */
export function reexportedNames(node: t.ExportNamedDeclaration): TakenName[] {
  const names: TakenName[] = [];
  for (const part of node.specifiers) {
    if (part.type === 'ExportSpecifier' && !isTypeOnly(part.exportKind)) names.push({ node: part.local, name: moduleExportName(part.local) });
    else if (part.type === 'ExportDefaultSpecifier') names.push({ node: part, name: 'default' });
  }
  return names;
}

/** Names `const { a, b: c } = require('m')` reads from the module. */
export function destructuredNames(pattern: t.ObjectPattern): TakenName[] {
  const names: TakenName[] = [];
  for (const property of pattern.properties) {
    if (property.type !== 'ObjectProperty') continue;
    const name = staticKeyName(property.key, property.computed);
    if (name !== null) names.push({ node: property.key, name });
  }
  return names;
}
