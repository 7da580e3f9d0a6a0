// Glob matching for rule targets. Globs are compiled once, when the rules are loaded. picomatch is loaded
// only for globs whose regular expression is not known yet: the validated-config cache keeps the compiled
// expressions of a policy, so a cached policy starts without it.
import { isIP } from 'node:net';
import type * as Picomatch from 'picomatch';
import { canonicalIPv6 } from './ipv6';

// `s` (dotAll): picomatch writes `**` with `.`, which otherwise stops at a line break, so until 2026-11-23 no `**` or
// `*` glob matched a path with a newline in it and such a path went past every deny rule (`**` alone still allowed it).
const options = { dot: true, nonegate: true, strictBrackets: true, flags: 's' } as const;

/** A compiled glob as stored in the validated-config cache: `[source, flags]` of its RegExp. */
export type CompiledGlobs = Record<string, [string, string]>;

const known = new Map<string, RegExp>();

function picomatch(): typeof Picomatch {
  return require('picomatch') as typeof Picomatch;
}

/**
 * Network targets write IPv6 addresses in brackets (`[::1]:443`); as a glob, `[::1]` would be a character class
 * that also matches `1:443` or `f:443` (a host named `f`). Brackets around an address (hex digits, dots, a zone
 * id, at least one colon) are taken literally, and the address is written as targets write it (one spelling, no
 * zone id, an IPv4-mapped address as its IPv4 address), so that `[0:0::1]` names the same host as `[::1]`.
 */
const BRACKETED_ADDRESS = /\[([0-9A-Fa-f.]*:[0-9A-Fa-f:.]*(?:%[A-Za-z0-9_.-]+)?)\]/g;

function globSource(glob: string): string {
  return glob.replace(BRACKETED_ADDRESS, (_, address: string) => {
    const lower = address.toLowerCase();
    const zone = lower.indexOf('%');
    if (isIP(zone < 0 ? lower : lower.slice(0, zone)) !== 6) return `\\[${address}\\]`;
    const canonical = canonicalIPv6(lower);
    return isIP(canonical) === 6 ? `\\[${canonical}\\]` : canonical;
  });
}

/** Why a glob cannot be used, or null when it is fine. */
export function invalidGlobReason(glob: string): string | null {
  if (glob.startsWith('!')) return 'negated globs are not supported; use a deny rule';
  try {
    picomatch().makeRe(globSource(glob), options);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** A compiled glob: `**` alone matches every target. */
export function compileGlob(glob: string): RegExp | null {
  if (glob === '**') return null;
  let re = known.get(glob);
  if (re === undefined) {
    re = picomatch().makeRe(globSource(glob), options);
    known.set(glob, re);
  }
  return re;
}

/** The compiled form of `globs`, to be cached with the validated config. */
export function compiledGlobs(globs: readonly string[]): CompiledGlobs {
  const out: CompiledGlobs = {};
  for (const glob of globs) {
    const re = compileGlob(glob);
    if (re !== null) out[glob] = [re.source, re.flags];
  }
  return out;
}

/** Seeds the compiled globs from the validated-config cache. */
export function useCompiledGlobs(globs: CompiledGlobs): void {
  for (const glob of Object.keys(globs)) {
    const [source, flags] = globs[glob];
    if (!known.has(glob)) known.set(glob, new RegExp(source, flags));
  }
}
