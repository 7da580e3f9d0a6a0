// Export names of Node's built-in modules, read from the real modules of the running Node.
// This loads the built-in into the checker's own process (never user code).
import type { ModuleExports } from '../types';
import type { LoadKind } from './resolve';

function propertyNames(value: object): Set<string> {
  const names = new Set<string>();
  for (let current: object | null = value; current !== null; current = Object.getPrototypeOf(current) as object | null) {
    for (const name of Object.getOwnPropertyNames(current)) names.add(name);
  }
  return names;
}

function loadBuiltin(specifier: string): object | null {
  try {
    const loaded: unknown = require(specifier);
    return (typeof loaded === 'object' || typeof loaded === 'function') && loaded !== null ? loaded : null;
  } catch {
    return null;
  }
}

/**
 * For `import`, the names Node's ESM facade of a built-in offers (its own enumerable keys, plus `default`);
 * for `require`, every property the module object has, inherited ones included.
 */
export function builtinExports(specifier: string, kind: LoadKind): ModuleExports | null {
  const loaded = loadBuiltin(specifier);
  if (!loaded) return null;
  const names = kind === 'import' ? new Set(Object.keys(loaded)) : propertyNames(loaded);
  return { names, hasDefault: kind === 'import' || names.has('default'), dynamic: false };
}
