// File-system lookups for module resolution, cached for one check run (a run sees one snapshot of the tree).
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type EntryKind = 'file' | 'directory' | null;

export interface PackageJson {
  name?: unknown;
  type?: unknown;
  main?: unknown;
  types?: unknown;
  typings?: unknown;
  exports?: unknown;
  imports?: unknown;
}

export interface CachedFileSystem {
  kind(path: string): EntryKind;
  isFile(path: string): boolean;
  isDirectory(path: string): boolean;
  /** The parsed `package.json` in `dir`, or null when there is none or it is not a JSON object. */
  packageJson(dir: string): PackageJson | null;
  read(path: string): Buffer | null;
}

function statKind(path: string): EntryKind {
  try {
    const stats = statSync(path);
    return stats.isFile() ? 'file' : stats.isDirectory() ? 'directory' : null;
  } catch {
    return null;
  }
}

function readPackageJson(path: string): PackageJson | null {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as PackageJson) : null;
  } catch {
    return null;
  }
}

export function createCachedFileSystem(): CachedFileSystem {
  const kinds = new Map<string, EntryKind>();
  const packages = new Map<string, PackageJson | null>();
  const kind = (path: string): EntryKind => {
    let found = kinds.get(path);
    if (found === undefined) {
      found = statKind(path);
      kinds.set(path, found);
    }
    return found;
  };
  return {
    kind,
    isFile: (path) => kind(path) === 'file',
    isDirectory: (path) => kind(path) === 'directory',
    packageJson(dir) {
      let found = packages.get(dir);
      if (found === undefined) {
        const path = join(dir, 'package.json');
        found = kind(path) === 'file' ? readPackageJson(path) : null;
        packages.set(dir, found);
      }
      return found;
    },
    read(path) {
      try {
        return readFileSync(path);
      } catch {
        return null;
      }
    },
  };
}
