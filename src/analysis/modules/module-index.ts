// The module index of one check run: resolves specifiers, summarises each file once per distinct content
// (sha1 of its bytes), and answers export and class-member questions by following re-exports across files.
import { createHash } from 'node:crypto';
import { dirname, extname } from 'node:path';
import type { File } from '@babel/types';
import type { ClassMembers, ModuleExports, ModuleIndex, ModuleLoadKind } from '../types';
import { builtinExports } from './builtin-exports';
import { createCachedFileSystem } from './file-system';
import { parseModuleFile } from './parse-file';
import { createResolver } from './resolve';
import { summarizeJson, summarizeModule } from './summarize';
import type { ModuleRef, ModuleSummary } from './summary-types';

// Other extensions (.node, .css, .svg, …) are native addons or handled by loaders and bundlers: shape unknown.
const READABLE = /\.(?:[cm]?[jt]sx?|json)$/i;
const MAX_CLASS_DEPTH = 32;
// Parsing runs at roughly 0.5-1 MB/s: bundled dependency files larger than this are not read (shape unknown).
const MAX_DEPENDENCY_BYTES = 512 * 1024;
const IN_NODE_MODULES = /[\\/]node_modules[\\/]/;

export interface ModuleIndexOptions {
  /** Kept for the engine's call; resolution always starts from the importing file. */
  cwd?: string;
  /** The bytes of `file` the caller has read from the work tree already (the check engine's file being checked). */
  bytesOf?: (file: string) => Buffer | undefined;
  /**
   * A tree of `file` (with these bytes) the caller has or makes anyway: the check engine's file being checked, or
   * a file of the same run that it checks at once so the file is parsed once. Undefined: the index parses it.
   */
  treeOf?: (file: string, bytes: Buffer) => File | undefined;
}

/** `.d.ts`, `.d.mts`, `.d.cts` or the plain extension: what, with the bytes, decides how a file is read. */
function extensionOf(file: string): string {
  return /\.d\.[cm]?ts$/i.exec(file)?.[0] ?? extname(file);
}

function union(target: Set<string>, names: Iterable<string>, except?: string): void {
  for (const name of names) if (name !== except) target.add(name);
}

export function createModuleIndex(options: ModuleIndexOptions = {}): ModuleIndex {
  const fs = createCachedFileSystem();
  const resolveSpecifier = createResolver(fs);
  const summariesByHash = new Map<string, ModuleSummary | null>();
  const summariesByFile = new Map<string, ModuleSummary | null>();
  const exportsByKey = new Map<string, ModuleExports | null>();
  const computing = new Set<string>();
  const classesByKey = new Map<string, ClassMembers | null>();

  function packageType(file: string): unknown {
    for (let dir = dirname(file); ; dir = dirname(dir)) {
      const manifest = fs.packageJson(dir);
      if (manifest) return manifest.type;
      if (dirname(dir) === dir) return undefined;
    }
  }

  function summarize(file: string, bytes: Buffer, hash: string): ModuleSummary | null {
    if (/\.json$/i.test(file)) return summarizeJson(bytes.toString('utf8'));
    const ast = options.treeOf?.(file, bytes) ?? parseModuleFile(bytes.toString('utf8'), file);
    // Checking the file at once (treeOf) may have summarised it already.
    if (summariesByHash.has(hash)) return summariesByHash.get(hash) ?? null;
    return ast ? summarizeModule(file, ast, packageType(file)) : null;
  }

  function summaryOf(file: string): ModuleSummary | null {
    if (summariesByFile.has(file)) return summariesByFile.get(file) ?? null;
    const bytes = READABLE.test(file) ? (options.bytesOf?.(file) ?? fs.read(file)) : null;
    const tooLarge = bytes !== null && bytes.length > MAX_DEPENDENCY_BYTES && IN_NODE_MODULES.test(file);
    let summary: ModuleSummary | null = null;
    if (bytes && !tooLarge) {
      // The format depends on the extension and package type, so they are part of the key with the bytes.
      const hash = createHash('sha1').update(extensionOf(file)).update('\0').update(String(packageType(file))).update('\0').update(bytes).digest('hex');
      if (!summariesByHash.has(hash)) summariesByHash.set(hash, summarize(file, bytes, hash));
      summary = summariesByHash.get(hash) ?? null;
    }
    summariesByFile.set(file, summary);
    return summary;
  }

  /** Exports a re-export or `export *` source contributes, or null when it cannot be known. */
  function exportsOfSpecifier(specifier: string, fromFile: string, kind: ModuleLoadKind): ModuleExports | null {
    const target = resolveSpecifier(specifier, fromFile, kind);
    if (target === null) return null;
    return target === 'builtin' ? builtinExports(specifier, kind) : exportsOf(target, kind);
  }

  function reexportHolds(ref: ModuleRef, fromFile: string): boolean {
    if (ref.imported === '*') return true;
    const source = exportsOfSpecifier(ref.specifier, fromFile, 'import');
    if (!source || source.dynamic) return true;
    return ref.imported === 'default' ? source.hasDefault : source.names.has(ref.imported);
  }

  function esmExports(file: string, summary: ModuleSummary, kind: ModuleLoadKind): ModuleExports {
    const { esm } = summary;
    const names = new Set(esm.local);
    let dynamic = esm.dynamic || (kind === 'require' && esm.exportAssignment);
    // A name re-exported from a module that does not export it breaks the module at link time: it is not exported.
    for (const [name, ref] of esm.reexports) if (reexportHolds(ref, file)) names.add(name);
    for (const star of esm.stars) {
      const source = exportsOfSpecifier(star, file, 'import');
      if (!source || source.dynamic) dynamic = true;
      else union(names, source.names, 'default');
    }
    const hasDefault = esm.hasDefault || names.has('default');
    if (kind === 'require' && hasDefault) names.add('default');
    return { names, hasDefault, dynamic };
  }

  function cjsExports(file: string, summary: ModuleSummary, kind: ModuleLoadKind): ModuleExports {
    const names = new Set(summary.cjs.names);
    let dynamic = summary.cjs.dynamic;
    for (const specifier of summary.cjs.reexports) {
      const source = exportsOfSpecifier(specifier, file, 'require');
      if (!source || source.dynamic) dynamic = true;
      else union(names, source.names, 'default');
    }
    // An ESM import of CommonJS always has a default (module.exports); require() only has `default` if set.
    return { names, hasDefault: kind === 'import' || names.has('default'), dynamic };
  }

  function jsonExports(summary: ModuleSummary, kind: ModuleLoadKind): ModuleExports {
    if (kind === 'import') return { names: new Set(), hasDefault: true, dynamic: false };
    const keys = summary.jsonKeys;
    return { names: keys ?? new Set(), hasDefault: keys?.has('default') ?? false, dynamic: keys === null };
  }

  function computeExports(file: string, kind: ModuleLoadKind): ModuleExports | null {
    const summary = summaryOf(file);
    if (!summary) return null;
    if (summary.format === 'json') return jsonExports(summary, kind);
    return summary.format === 'esm' ? esmExports(file, summary, kind) : cjsExports(file, summary, kind);
  }

  function exportsOf(file: string, kind: ModuleLoadKind = 'import'): ModuleExports | null {
    if (file.startsWith('node:')) return builtinExports(file, kind);
    const key = `${kind}\0${file}`;
    if (exportsByKey.has(key)) return exportsByKey.get(key) ?? null;
    // A module that (indirectly) re-exports itself: its shape is not known yet at this point of the cycle.
    if (computing.has(key)) return { names: new Set(), hasDefault: false, dynamic: true };
    computing.add(key);
    const result = computeExports(file, kind);
    computing.delete(key);
    exportsByKey.set(key, result);
    return result;
  }

  function exportedClass(ref: ModuleRef, fromFile: string, depth: number): ClassMembers | null {
    const target = resolveSpecifier(ref.specifier, fromFile, ref.kind);
    if (target === null || target === 'builtin' || ref.imported === '*') return null;
    const summary = summaryOf(target);
    if (!summary) return null;
    const wholeModule = ref.imported === '=' || (ref.imported === 'default' && summary.format === 'cjs');
    const name = wholeModule ? '=' : ref.imported;
    const local = summary.exportedBindings.get(name);
    if (local !== undefined) return classIn(target, local, depth + 1);
    const reexport = summary.esm.reexports.get(name);
    if (reexport) return exportedClass(reexport, target, depth + 1);
    if (name === 'default' || name === '=') return null;
    for (const star of summary.esm.stars) {
      const found = exportedClass({ specifier: star, imported: name, kind: 'import' }, target, depth + 1);
      if (found) return found;
    }
    return null;
  }

  function classIn(file: string, localName: string, depth: number): ClassMembers | null {
    if (depth > MAX_CLASS_DEPTH) return null;
    const summary = summaryOf(file);
    if (!summary) return null;
    const shape = summary.classes.get(localName);
    if (!shape) {
      const ref = summary.imports.get(localName);
      return ref ? exportedClass(ref, file, depth) : null;
    }
    if (shape.open || (shape.superClass !== null && typeof shape.superClass === 'object')) return null;
    const own: ClassMembers = { name: shape.name, file, instance: shape.instance, statics: shape.statics };
    if (shape.superClass === null) return own;
    const base = classIn(file, shape.superClass, depth + 1);
    if (!base) return null;
    return { ...own, instance: new Set([...base.instance, ...shape.instance]), statics: new Set([...base.statics, ...shape.statics]) };
  }

  return {
    resolve: (specifier, fromFile, kind = 'import') => resolveSpecifier(specifier, fromFile, kind),
    exportsOf,
    classMembers(file, localName) {
      const key = `${file}\0${localName}`;
      if (!classesByKey.has(key)) classesByKey.set(key, classIn(file, localName, 0));
      return classesByKey.get(key) ?? null;
    },
  };
}
