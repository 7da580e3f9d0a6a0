// Node permission-model flags derived from a policy: the native floor under the in-process hooks.
// The permission model only grants (it has no deny), so the floor is the union of what the policy may
// allow, rounded up to directories; the hooks stay the precise layer. Checked on Node 20, 22, 24, 26:
// repeated --allow-fs-* flags add up (commas do not split), a directory grants everything below it.
import { isAbsolute, resolve } from 'node:path';
import { RuleSet } from '../rules/match';
import type { LoadedConfig } from '../rules/types';
import type { ActionKind, Rule } from '../types';

export interface NodeVersion {
  major: number;
  minor: number;
}

export interface PermissionPlan {
  flags: string[];
  /** Why each capability was granted, for `run --dry-run` and the docs. */
  reasons: string[];
}

const GLOB_CHARS = /[*?[\]{}!()+@]/;

export function parseNodeVersion(text: string): NodeVersion {
  const match = /^v?(\d+)\.(\d+)/.exec(text.trim());
  if (!match) throw new Error(`cannot read a Node version from "${text.trim()}"`);
  return { major: Number(match[1]), minor: Number(match[2]) };
}

/** `--permission` from 22.13 on; `--experimental-permission` before. */
export function permissionFlag(version: NodeVersion): string {
  const stable = version.major > 22 || (version.major === 22 && version.minor >= 13);
  return stable ? '--permission' : '--experimental-permission';
}

function toList<T>(value: T | readonly T[]): readonly T[] {
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}

/** Rules that can let `kind` through (allow, or approve inside a scope). */
function grantingRules(rules: readonly Rule[], kind: ActionKind): Rule[] {
  return rules.filter((rule) => rule.effect !== 'deny' && toList(rule.action).includes(kind));
}

function mayAllow(loaded: LoadedConfig, kind: ActionKind): boolean {
  return loaded.config.default === 'allow' || grantingRules(loaded.config.rules, kind).length > 0;
}

/**
 * The directory (or file) a glob can reach: its leading segments before the first glob character.
 * `*` (everything) when that is the root or the pattern is relative.
 */
export function globToPermissionPath(glob: string, baseDir: string): string {
  const absolute = isAbsolute(glob) ? glob : glob.startsWith('**') ? null : resolve(baseDir, glob);
  if (absolute === null) return '*';
  const segments = absolute.split('/');
  const fixed: string[] = [];
  for (const segment of segments) {
    if (GLOB_CHARS.test(segment)) break;
    fixed.push(segment);
  }
  const prefix = fixed.join('/');
  return prefix === '' || prefix === '/' ? '*' : prefix;
}

function pathsFor(loaded: LoadedConfig, kind: ActionKind): string[] {
  if (loaded.config.default === 'allow') return ['*'];
  const paths: string[] = [];
  for (const rule of grantingRules(loaded.config.rules, kind)) for (const target of toList(rule.target)) paths.push(globToPermissionPath(target, loaded.baseDir));
  return paths;
}

/** Keeps `*` alone when present, drops duplicates and paths inside another listed directory. */
function simplify(paths: string[]): string[] {
  if (paths.includes('*')) return ['*'];
  const unique = [...new Set(paths)].sort();
  return unique.filter((path) => !unique.some((other) => other !== path && path.startsWith(other.endsWith('/') ? other : `${other}/`)));
}

export interface PlanInputs {
  loaded: LoadedConfig;
  version: NodeVersion;
  /** This package's root (the preload and its dependencies are read from there). */
  packageRoot: string;
  /** The working directory of the program (its code and node_modules). */
  cwd: string;
}

export function permissionPlan({ loaded, version, packageRoot, cwd }: PlanInputs): PermissionPlan {
  const flags = [permissionFlag(version)];
  const reasons: string[] = [];
  const reads = simplify([...pathsFor(loaded, 'file_read'), packageRoot, cwd, loaded.stateDir, ...(loaded.source ? [loaded.source] : [])]);
  const writes = simplify([...pathsFor(loaded, 'file_write'), loaded.stateDir]);
  for (const path of reads) flags.push(`--allow-fs-read=${path}`);
  for (const path of writes) flags.push(`--allow-fs-write=${path}`);
  reasons.push(`fs read: file_read rules, the package (${packageRoot}), the program's directory, the state dir and the config`);
  reasons.push('fs write: file_write rules and the state dir (audit log)');
  // The audit log is better-sqlite3, a native addon: without --allow-addons governance cannot start.
  flags.push('--allow-addons');
  reasons.push('addons: always, for the audit log (better-sqlite3); other addons meet the native_addon hook');
  // The ESM loader hooks run on a worker thread; module.register() needs --allow-worker on every line.
  flags.push('--allow-worker');
  reasons.push('worker: always, for the module loader hooks thread; user workers meet the worker_spawn hook');
  if (mayAllow(loaded, 'process_spawn')) {
    flags.push('--allow-child-process');
    reasons.push('child process: some process_spawn may be allowed');
  }
  if (version.major >= 25 && (mayAllow(loaded, 'net_connect') || mayAllow(loaded, 'net_listen'))) {
    flags.push('--allow-net');
    reasons.push('net: some net_connect or net_listen may be allowed');
  }
  const rules = new RuleSet(loaded.config.rules, loaded.config.default);
  if (rules.match('code_eval', 'eval').effect !== 'allow' && rules.match('code_eval', 'function').effect !== 'allow') {
    flags.push('--disallow-code-generation-from-strings');
    reasons.push('code generation from strings: the policy does not allow code_eval');
  }
  return { flags, reasons };
}
