// TypeScript `compilerOptions.paths` and `baseUrl` from the nearest tsconfig.json or jsconfig.json (following
// relative `extends`). TypeScript projects resolve aliases like `@/lib/model` this way, and their build or
// loader makes them work at run time, so the resolver tries them before calling a bare specifier unresolved.
import { dirname, join, resolve as resolvePath } from 'node:path';
import type { CachedFileSystem } from './file-system';

export interface PathAliases {
  /** Directory `paths` targets are relative to (`baseUrl`, else the config's folder). */
  base: string;
  /** Set only when the config names a `baseUrl`: bare specifiers may then be paths below it. */
  baseUrl: string | null;
  paths: ReadonlyArray<readonly [pattern: string, targets: readonly string[]]>;
}

const CONFIG_NAMES = ['tsconfig.json', 'jsconfig.json'];
const MAX_EXTENDS = 8;

/** JSON with comments and trailing commas, as tsconfig files are written. */
function parseJsonc(text: string): unknown {
  let out = '';
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === '"') {
      const end = stringEnd(text, index);
      out += text.slice(index, end);
      index = end - 1;
    } else if (char === '/' && text[index + 1] === '/') {
      while (index < text.length && text[index] !== '\n') index++;
    } else if (char === '/' && text[index + 1] === '*') {
      index = text.indexOf('*/', index + 2);
      if (index === -1) break;
      index++;
    } else out += char;
  }
  return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1'));
}

function stringEnd(text: string, start: number): number {
  let index = start + 1;
  while (index < text.length && text[index] !== '"') index += text[index] === '\\' ? 2 : 1;
  return index + 1;
}

interface CompilerOptions {
  baseUrl?: unknown;
  paths?: unknown;
}

function readOptions(fs: CachedFileSystem, file: string, depth: number): { options: CompilerOptions; dir: string; pathsDir: string | null; baseUrlDir: string | null } | null {
  const bytes = fs.read(file);
  if (!bytes || depth > MAX_EXTENDS) return null;
  let config: { extends?: unknown; compilerOptions?: CompilerOptions };
  try {
    config = parseJsonc(bytes.toString('utf8')) as typeof config;
  } catch {
    return null;
  }
  const dir = dirname(file);
  const parent = typeof config.extends === 'string' && config.extends.startsWith('.') ? readOptions(fs, resolvePath(dir, config.extends.endsWith('.json') ? config.extends : `${config.extends}.json`), depth + 1) : null;
  const own = config.compilerOptions ?? {};
  return {
    options: { ...parent?.options, ...own },
    dir,
    // Relative `paths` and `baseUrl` are relative to the config file that sets them.
    pathsDir: own.paths !== undefined ? dir : (parent?.pathsDir ?? null),
    baseUrlDir: own.baseUrl !== undefined ? dir : (parent?.baseUrlDir ?? null),
  };
}

function aliasesOf(fs: CachedFileSystem, file: string): PathAliases | null {
  const read = readOptions(fs, file, 0);
  if (!read) return null;
  const { options, pathsDir, baseUrlDir } = read;
  const baseUrl = typeof options.baseUrl === 'string' && baseUrlDir ? resolvePath(baseUrlDir, options.baseUrl) : null;
  const paths = typeof options.paths === 'object' && options.paths !== null ? Object.entries(options.paths as Record<string, unknown>) : [];
  const valid = paths.filter((entry): entry is [string, string[]] => Array.isArray(entry[1]) && entry[1].every((target) => typeof target === 'string'));
  if (valid.length === 0 && baseUrl === null) return null;
  return { base: baseUrl ?? pathsDir ?? read.dir, baseUrl, paths: valid };
}

/** Finds the aliases that apply to files in `dir` (nearest config wins), cached per folder. */
export function createAliasFinder(fs: CachedFileSystem): (dir: string) => PathAliases | null {
  const byDir = new Map<string, PathAliases | null>();
  const find = (dir: string): PathAliases | null => {
    if (byDir.has(dir)) return byDir.get(dir) ?? null;
    const config = CONFIG_NAMES.map((name) => join(dir, name)).find((path) => fs.isFile(path));
    const parent = dirname(dir);
    const found = config ? aliasesOf(fs, config) : parent === dir || dir.endsWith('node_modules') ? null : find(parent);
    byDir.set(dir, found);
    return found;
  };
  return find;
}

/** Candidate paths for `specifier` under `paths` (longest matching prefix first, as TypeScript does). */
export function aliasCandidates(aliases: PathAliases, specifier: string): string[] {
  let best: { prefixLength: number; targets: readonly string[]; match: string } | null = null;
  for (const [pattern, targets] of aliases.paths) {
    const star = pattern.indexOf('*');
    if (star === -1) {
      if (pattern === specifier) return targets.map((target) => resolvePath(aliases.base, target));
      continue;
    }
    const prefix = pattern.slice(0, star);
    const suffix = pattern.slice(star + 1);
    if (specifier.startsWith(prefix) && specifier.endsWith(suffix) && specifier.length >= prefix.length + suffix.length && (!best || prefix.length > best.prefixLength)) {
      best = { prefixLength: prefix.length, targets, match: specifier.slice(prefix.length, specifier.length - suffix.length) };
    }
  }
  return best ? best.targets.map((target) => resolvePath(aliases.base, target.replace('*', best.match))) : [];
}
