// What one file declares about its exports, imports and classes, before following other files.
// Summaries are cached by the file's content hash.

/** A name taken from another module: `imported` is an export name, `default`, `*` (namespace) or `=` (the whole module value). */
export interface ModuleRef {
  specifier: string;
  imported: string;
  kind: 'import' | 'require';
}

/** The members one class declaration defines itself (inherited ones are added when the class is looked up). */
export interface ClassShape {
  name: string;
  instance: Set<string>;
  statics: Set<string>;
  /** Local binding of the base class; `unknown` when `extends` is not a plain identifier. */
  superClass: string | null | { unknown: true };
  /** Members may be added in ways static analysis does not follow (index signatures, decorators, prototype writes). */
  open: boolean;
}

/** ESM-style exports, also used for TypeScript files. */
export interface EsmExports {
  /** Names this file declares and exports itself (values and types). */
  local: Set<string>;
  hasDefault: boolean;
  /** `export { a as b } from './m'` and `export b from './m'`: exported name → source. */
  reexports: Map<string, ModuleRef>;
  /** `export * from` specifiers. */
  stars: string[];
  /** TypeScript `export = X` where X is not a namespace: only a default import is possible. */
  exportAssignment: boolean;
  /** A declaration file with no exports at all (a global script), or exports that cannot be read. */
  dynamic: boolean;
}

/** CommonJS exports as Node's cjs-module-lexer sees them (`exports.x =`, `module.exports = {…}`, re-exports). */
export interface CjsExports {
  names: Set<string>;
  /** `module.exports = require('x')`, `__exportStar(require('x'), exports)` and the like. */
  reexports: string[];
  /** `module.exports = build()`, `exports[key] =`, `Object.assign(exports, …)`: the shape is not static. */
  dynamic: boolean;
}

export type ModuleFormat = 'esm' | 'cjs' | 'json';

export interface ModuleSummary {
  format: ModuleFormat;
  esm: EsmExports;
  cjs: CjsExports;
  /** Own enumerable keys of a JSON object (what `require` returns), or null when the JSON is not an object. */
  jsonKeys: Set<string> | null;
  /** Top-level classes by local binding name (`*default*` for an anonymous default-exported class). */
  classes: Map<string, ClassShape>;
  /** Export name (or `=` for `module.exports =`/`export =`) → local binding it exports. */
  exportedBindings: Map<string, string>;
  /** Local bindings brought in from other modules. */
  imports: Map<string, ModuleRef>;
}
