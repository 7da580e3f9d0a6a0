// Node's resolution of package.json `exports` and `imports` maps (PACKAGE_EXPORTS_RESOLVE and
// PACKAGE_IMPORTS_RESOLVE in the ESM resolver spec): subpath keys, `*` patterns, nested conditions, arrays.

/** A map target: `./file` for `exports`; `imports` targets may also name a package. */
export type MapTarget = string;

function isConditionsObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Resolves one target value under `conditions`; `*` in a string target is replaced by `match`. */
function resolveTarget(target: unknown, match: string | null, conditions: ReadonlySet<string>, allowBare: boolean): MapTarget | null {
  if (typeof target === 'string') {
    if (!target.startsWith('./') && !(allowBare && !target.startsWith('../') && !target.startsWith('/'))) return null;
    return match === null ? target : target.split('*').join(match);
  }
  if (Array.isArray(target)) {
    for (const item of target) {
      const resolved = resolveTarget(item, match, conditions, allowBare);
      if (resolved !== null) return resolved;
    }
    return null;
  }
  if (isConditionsObject(target)) {
    for (const [condition, value] of Object.entries(target)) {
      if (condition !== 'default' && !conditions.has(condition)) continue;
      const resolved = resolveTarget(value, match, conditions, allowBare);
      if (resolved !== null) return resolved;
    }
  }
  return null;
}

/** Node's PATTERN_KEY_COMPARE order: the longest prefix before `*` wins, then the longer key. */
function comparePatternKeys(a: string, b: string): number {
  const prefixA = a.indexOf('*');
  const prefixB = b.indexOf('*');
  if (prefixA !== prefixB) return prefixB - prefixA;
  return b.length - a.length;
}

function resolveInMap(map: Record<string, unknown>, key: string, conditions: ReadonlySet<string>, allowBare: boolean): MapTarget | null {
  if (Object.hasOwn(map, key) && !key.includes('*')) return resolveTarget(map[key], null, conditions, allowBare);
  const patterns = Object.keys(map)
    .filter((candidate) => candidate.indexOf('*') !== -1 && candidate.indexOf('*') === candidate.lastIndexOf('*'))
    .sort(comparePatternKeys);
  for (const pattern of patterns) {
    const star = pattern.indexOf('*');
    const prefix = pattern.slice(0, star);
    const suffix = pattern.slice(star + 1);
    if (key.length >= pattern.length && key.startsWith(prefix) && key.endsWith(suffix)) {
      const match = key.slice(prefix.length, key.length - suffix.length);
      return resolveTarget(map[pattern], match, conditions, allowBare);
    }
  }
  return null;
}

/** The `./…` target `subpath` (`.` or `./x`) maps to in an `exports` field, or null when it is not exported. */
export function resolvePackageExports(exportsField: unknown, subpath: string, conditions: ReadonlySet<string>): MapTarget | null {
  const keys = isConditionsObject(exportsField) ? Object.keys(exportsField) : [];
  const hasSubpathKeys = keys.length > 0 && keys.every((key) => key.startsWith('.'));
  if (!hasSubpathKeys) return subpath === '.' ? resolveTarget(exportsField, null, conditions, false) : null;
  return resolveInMap(exportsField as Record<string, unknown>, subpath, conditions, false);
}

/** The target a `#name` specifier maps to in an `imports` field (a `./…` path or a package specifier), or null. */
export function resolvePackageImports(importsField: unknown, specifier: string, conditions: ReadonlySet<string>): MapTarget | null {
  if (!isConditionsObject(importsField)) return null;
  return resolveInMap(importsField, specifier, conditions, true);
}
