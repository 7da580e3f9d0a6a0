// Reads ESM and TypeScript export syntax: declarations, specifier lists, re-exports, `export *`, `export =`.
import type * as t from '@babel/types';
import { moduleExportName, patternNames } from './ast-names';
import type { EsmExports, ModuleRef } from './summary-types';

export interface EsmScan {
  esm: EsmExports;
  /** Export name → local binding (for looking up exported classes). */
  exportedBindings: Map<string, string>;
  /** Local bindings from `import` declarations and TypeScript `import x = require()`. */
  imports: Map<string, ModuleRef>;
}

/** Names a declaration after `export` introduces (`export const {a} = …`, `export class C`, `export enum E`, …). */
function declaredNames(declaration: t.Declaration): string[] {
  switch (declaration.type) {
    case 'VariableDeclaration':
      return declaration.declarations.flatMap((declarator) => patternNames(declarator.id));
    case 'TSModuleDeclaration':
      return declaration.id.type === 'Identifier' ? [declaration.id.name] : [];
    case 'TSImportEqualsDeclaration':
      return [declaration.id.name];
    default: {
      const id = (declaration as { id?: t.Node | null }).id;
      return id && id.type === 'Identifier' ? [id.name] : [];
    }
  }
}

/** Members of the namespaces called `name` (TypeScript `export = Name`: every member is exported, as tsc does). */
function namespaceMembers(body: readonly t.Statement[], name: string): Set<string> | null {
  let found: Set<string> | null = null;
  for (const statement of body) {
    if (statement.type !== 'TSModuleDeclaration' || statement.id.type !== 'Identifier' || statement.id.name !== name) continue;
    found ??= new Set();
    const block = statement.body.type === 'TSModuleBlock' ? statement.body.body : [];
    for (const member of block) {
      const declaration = member.type === 'ExportNamedDeclaration' ? member.declaration : member;
      if (declaration && isDeclaration(declaration)) for (const memberName of declaredNames(declaration)) found.add(memberName);
    }
  }
  return found;
}

function isDeclaration(node: t.Node): node is t.Declaration {
  if (node.type === 'ExportNamedDeclaration' || node.type === 'ExportDefaultDeclaration' || node.type === 'ExportAllDeclaration') return false;
  return /Declaration$/.test(node.type) || node.type === 'TSDeclareFunction';
}

function addImport(statement: t.ImportDeclaration, imports: Map<string, ModuleRef>): void {
  if (statement.importKind === 'type' || statement.importKind === 'typeof') return;
  const specifier = statement.source.value;
  for (const part of statement.specifiers) {
    const imported =
      part.type === 'ImportDefaultSpecifier' ? 'default' : part.type === 'ImportNamespaceSpecifier' ? '*' : moduleExportName(part.imported);
    imports.set(part.local.name, { specifier, imported, kind: 'import' });
  }
}

function addNamedExport(statement: t.ExportNamedDeclaration, scan: EsmScan): void {
  const { esm, exportedBindings } = scan;
  if (statement.declaration) {
    for (const name of declaredNames(statement.declaration)) {
      esm.local.add(name);
      exportedBindings.set(name, name);
    }
    return;
  }
  for (const part of statement.specifiers) {
    const exported = part.exported.type === 'Identifier' ? part.exported.name : part.exported.value;
    if (statement.source) {
      const imported = part.type === 'ExportSpecifier' ? moduleExportName(part.local) : part.type === 'ExportDefaultSpecifier' ? 'default' : '*';
      esm.reexports.set(exported, { specifier: statement.source.value, imported, kind: 'import' });
    } else if (part.type === 'ExportSpecifier') {
      if (exported === 'default') esm.hasDefault = true;
      else esm.local.add(exported);
      exportedBindings.set(exported, moduleExportName(part.local));
    }
  }
}

function addDefaultExport(statement: t.ExportDefaultDeclaration, scan: EsmScan): void {
  scan.esm.hasDefault = true;
  const declaration = statement.declaration;
  if (declaration.type === 'Identifier') scan.exportedBindings.set('default', declaration.name);
  else if ((declaration.type === 'ClassDeclaration' || declaration.type === 'FunctionDeclaration') && declaration.id) {
    scan.exportedBindings.set('default', declaration.id.name);
  } else if (declaration.type === 'ClassDeclaration') scan.exportedBindings.set('default', '*default*');
}

function addExportAssignment(statement: t.TSExportAssignment, body: readonly t.Statement[], scan: EsmScan): void {
  scan.esm.hasDefault = true;
  if (statement.expression.type !== 'Identifier') {
    scan.esm.dynamic = true;
    return;
  }
  scan.exportedBindings.set('=', statement.expression.name);
  const members = namespaceMembers(body, statement.expression.name);
  if (members) for (const name of members) scan.esm.local.add(name);
  else scan.esm.exportAssignment = true;
}

export function scanEsmExports(program: t.Program, isDeclarationFile: boolean): EsmScan {
  const scan: EsmScan = {
    esm: { local: new Set(), hasDefault: false, reexports: new Map(), stars: [], exportAssignment: false, dynamic: false },
    exportedBindings: new Map(),
    imports: new Map(),
  };
  let exportsSomething = false;
  for (const statement of program.body) {
    switch (statement.type) {
      case 'ImportDeclaration':
        addImport(statement, scan.imports);
        break;
      case 'TSImportEqualsDeclaration':
        if (statement.moduleReference.type === 'TSExternalModuleReference') {
          scan.imports.set(statement.id.name, { specifier: statement.moduleReference.expression.value, imported: '=', kind: 'require' });
        }
        if (statement.isExport) scan.esm.local.add(statement.id.name);
        exportsSomething ||= statement.isExport;
        break;
      case 'ExportNamedDeclaration':
        addNamedExport(statement, scan);
        exportsSomething = true;
        break;
      case 'ExportDefaultDeclaration':
        addDefaultExport(statement, scan);
        exportsSomething = true;
        break;
      case 'ExportAllDeclaration':
        scan.esm.stars.push(statement.source.value);
        exportsSomething = true;
        break;
      case 'TSExportAssignment':
        addExportAssignment(statement, program.body, scan);
        exportsSomething = true;
        break;
      default:
        break;
    }
  }
  // A declaration file without exports declares globals (or ambient modules): it is not the module's shape.
  if (isDeclarationFile && !exportsSomething) scan.esm.dynamic = true;
  return scan;
}
