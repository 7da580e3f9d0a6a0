// Node's module resolution (CommonJS and ESM rules, package `exports`/`imports` maps, self-reference),
// widened the way TypeScript and bundler projects need: extensionless paths also try .jsx/.ts/.tsx/.d.ts,
// and a `.js` specifier finds the `.ts` source written next to it.
import { isBuiltin } from 'node:module';
import { basename, dirname, isAbsolute, join, parse as parsePath, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CachedFileSystem, PackageJson } from './file-system';
import { resolvePackageExports, resolvePackageImports } from './package-map';
import { aliasCandidates, createAliasFinder } from './tsconfig-paths';

/** How the module is loaded: `import`/`export … from` or `require()`. Selects the package conditions. */
export type LoadKind = 'import' | 'require';

export type Resolution = string | null | 'builtin';

const EXTENSIONS = ['.js', '.json', '.node', '.mjs', '.cjs', '.jsx', '.ts', '.tsx', '.mts', '.cts', '.d.ts', '.d.mts', '.d.cts'];
const SOURCE_FOR_OUTPUT: Readonly<Record<string, readonly string[]>> = {
  '.js': ['.ts', '.tsx', '.d.ts'],
  '.jsx': ['.tsx'],
  '.mjs': ['.mts', '.d.mts'],
  '.cjs': ['.cts', '.d.cts'],
};
const CONDITIONS: Readonly<Record<LoadKind, ReadonlySet<string>>> = {
  import: new Set(['node', 'import', 'module-sync']),
  require: new Set(['node', 'require', 'module-sync']),
};
const TYPES_CONDITION = new Set(['types']);

function splitPackageSpecifier(specifier: string): { name: string; subpath: string } | null {
  const parts = specifier.split('/');
  const nameLength = specifier.startsWith('@') ? 2 : 1;
  if (parts.length < nameLength || parts.slice(0, nameLength).some((part) => part === '')) return null;
  const name = parts.slice(0, nameLength).join('/');
  const rest = parts.slice(nameLength).join('/');
  return { name, subpath: rest === '' ? '.' : `./${rest}` };
}

function isRelative(specifier: string): boolean {
  return specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../');
}

/** `https:`, `data:` and other URL specifiers other than `file:` and `node:` name no file to check. */
export function isUrlSpecifier(specifier: string): boolean {
  return /^[a-z][a-z0-9+.-]+:/i.test(specifier) && !specifier.startsWith('file:') && !specifier.startsWith('node:');
}

export function createResolver(fs: CachedFileSystem): (specifier: string, fromFile: string, kind: LoadKind) => Resolution {
  const aliasesFor = createAliasFinder(fs);
  function asFile(path: string): string | null {
    if (fs.isFile(path)) return path;
    for (const extension of EXTENSIONS) if (fs.isFile(path + extension)) return path + extension;
    const { ext } = parsePath(path);
    for (const source of SOURCE_FOR_OUTPUT[ext] ?? []) {
      const candidate = path.slice(0, -ext.length) + source;
      if (fs.isFile(candidate)) return candidate;
    }
    return null;
  }

  function asDirectory(dir: string): string | null {
    if (!fs.isDirectory(dir)) return null;
    const manifest = fs.packageJson(dir);
    if (manifest && typeof manifest.main === 'string' && manifest.main !== '') {
      const main = resolvePath(dir, manifest.main);
      const found = asFile(main) ?? asIndex(main);
      if (found) return found;
    }
    const index = asIndex(dir);
    if (index) return index;
    // A types-only package (or one whose runtime entry is missing): its declarations still describe it.
    const types = manifest?.types ?? manifest?.typings;
    return typeof types === 'string' ? asFile(resolvePath(dir, types)) : null;
  }

  function asIndex(dir: string): string | null {
    return fs.isDirectory(dir) ? asFile(join(dir, 'index')) : null;
  }

  function asPath(path: string): string | null {
    return asFile(path) ?? asDirectory(path);
  }

  /** An `exports` target is an exact file (no extension search), as in Node; types are the fallback. */
  function throughExports(root: string, manifest: PackageJson, subpath: string, kind: LoadKind): Resolution {
    for (const conditions of [CONDITIONS[kind], TYPES_CONDITION]) {
      const target = resolvePackageExports(manifest.exports, subpath, conditions);
      if (target !== null && fs.isFile(resolvePath(root, target))) return resolvePath(root, target);
    }
    return null;
  }

  function inPackage(root: string, subpath: string, kind: LoadKind): Resolution {
    const manifest = fs.packageJson(root);
    if (manifest && manifest.exports !== undefined && manifest.exports !== null) return throughExports(root, manifest, subpath, kind);
    return subpath === '.' ? asDirectory(root) : asPath(join(root, subpath));
  }

  function nearestPackage(fromDir: string): { root: string; manifest: PackageJson } | null {
    for (let dir = fromDir; ; dir = dirname(dir)) {
      if (basename(dir) !== 'node_modules') {
        const manifest = fs.packageJson(dir);
        if (manifest) return { root: dir, manifest };
      }
      if (dirname(dir) === dir) return null;
    }
  }

  /** TypeScript `paths` first (as tsc does), then packages, then `baseUrl`. */
  function bareOrAlias(specifier: string, fromDir: string, kind: LoadKind): Resolution {
    const aliases = aliasesFor(fromDir);
    for (const candidate of aliases ? aliasCandidates(aliases, specifier) : []) {
      const found = asPath(candidate);
      if (found) return found;
    }
    return bare(specifier, fromDir, kind) ?? (aliases?.baseUrl ? asPath(resolvePath(aliases.baseUrl, specifier)) : null);
  }

  function bare(specifier: string, fromDir: string, kind: LoadKind): Resolution {
    const parts = splitPackageSpecifier(specifier);
    if (!parts) return null;
    const own = nearestPackage(fromDir);
    if (own && own.manifest.name === parts.name && own.manifest.exports !== undefined) {
      return throughExports(own.root, own.manifest, parts.subpath, kind);
    }
    for (let dir = fromDir; ; dir = dirname(dir)) {
      if (basename(dir) !== 'node_modules') {
        const root = join(dir, 'node_modules', parts.name);
        if (fs.isDirectory(root)) return inPackage(root, parts.subpath, kind);
      }
      if (dirname(dir) === dir) return null;
    }
  }

  function hashImport(specifier: string, fromDir: string, kind: LoadKind): Resolution {
    const own = nearestPackage(fromDir);
    if (!own) return null;
    for (const conditions of [CONDITIONS[kind], TYPES_CONDITION]) {
      const target = resolvePackageImports(own.manifest.imports, specifier, conditions);
      if (target === null) continue;
      if (target.startsWith('./')) {
        const path = resolvePath(own.root, target);
        if (fs.isFile(path)) return path;
      } else {
        return bare(target, own.root, kind);
      }
    }
    return null;
  }

  return function resolve(specifier, fromFile, kind) {
    if (specifier.startsWith('node:') || isBuiltin(specifier)) return isBuiltin(specifier) ? 'builtin' : null;
    const fromDir = dirname(fromFile);
    if (specifier.startsWith('file:')) return asPath(fileURLToPath(specifier));
    // Relative ESM specifiers are URLs: a `?query` or `#hash` (cache busting, bundler loaders) names the same file.
    if (isRelative(specifier) || isAbsolute(specifier)) return asPath(resolvePath(fromDir, specifier.replace(/[?#].*$/s, '')));
    if (specifier.startsWith('#')) return hashImport(specifier, fromDir, kind);
    return bareOrAlias(specifier, fromDir, kind);
  };
}
