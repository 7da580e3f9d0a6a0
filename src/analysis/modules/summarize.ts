// Builds a ModuleSummary from a parsed file (or JSON text).
import type * as t from '@babel/types';
import { scanCjsExports } from './cjs-exports';
import { scanClasses } from './class-shapes';
import { scanEsmExports } from './esm-exports';
import type { ModuleFormat, ModuleSummary } from './summary-types';

const DECLARATION_FILE = /\.d\.[cm]?ts$/i;
const ESM_EXTENSION = /\.m[jt]s$/i;
const CJS_EXTENSION = /\.c[jt]s$/i;

function hasModuleSyntax(program: t.Program): boolean {
  return program.body.some(
    (statement) =>
      statement.type === 'ImportDeclaration' ||
      statement.type === 'ExportNamedDeclaration' ||
      statement.type === 'ExportDefaultDeclaration' ||
      statement.type === 'ExportAllDeclaration' ||
      statement.type === 'TSExportAssignment' ||
      (statement.type === 'TSImportEqualsDeclaration' && statement.isExport),
  );
}

/**
 * ESM when the file uses import/export syntax (as Node's syntax detection and TypeScript decide), or when
 * its extension or the package's `"type": "module"` says so; CommonJS otherwise.
 */
function formatOf(file: string, program: t.Program, packageType: unknown): ModuleFormat {
  // Declaration files describe modules in ESM syntax; one without exports declares globals (read as dynamic).
  if (hasModuleSyntax(program) || ESM_EXTENSION.test(file) || DECLARATION_FILE.test(file)) return 'esm';
  if (CJS_EXTENSION.test(file)) return 'cjs';
  return packageType === 'module' ? 'esm' : 'cjs';
}

export function summarizeModule(file: string, ast: t.File, packageType: unknown): ModuleSummary {
  const esmScan = scanEsmExports(ast.program, DECLARATION_FILE.test(file));
  const format = formatOf(file, ast.program, packageType);
  const cjsScan = format === 'cjs' ? scanCjsExports(ast) : null;
  return {
    format,
    esm: esmScan.esm,
    cjs: cjsScan?.cjs ?? { names: new Set(), reexports: [], dynamic: false },
    jsonKeys: null,
    classes: scanClasses(ast),
    exportedBindings: new Map([...(cjsScan?.exportedBindings ?? []), ...esmScan.exportedBindings]),
    imports: new Map([...(cjsScan?.imports ?? []), ...esmScan.imports]),
  };
}

export function summarizeJson(text: string): ModuleSummary | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  return {
    format: 'json',
    esm: { local: new Set(), hasDefault: true, reexports: new Map(), stars: [], exportAssignment: false, dynamic: false },
    cjs: { names: new Set(), reexports: [], dynamic: false },
    jsonKeys: isObject ? new Set(Object.keys(value as object)) : null,
    classes: new Map(),
    exportedBindings: new Map(),
    imports: new Map(),
  };
}
