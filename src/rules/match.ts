// Compiles rules into per-action-kind matchers with a bounded cache of results per target.
// Rules with `from` depend on the caller, so they are evaluated per call, and only for kinds that have them.
import { primordials } from '../primordials';
import type { ActionKind, Effect, Rule, ViolationType } from '../types';
import { compileGlob } from './glob';

const { RegExpPrototypeTest, MapPrototypeGet, MapPrototypeSet, MapPrototypeClear, MapPrototypeGetSize, StringPrototypeLastIndexOf, StringPrototypeSlice, StringPrototypeStartsWith } = primordials;

export interface RuleMatch {
  readonly effect: Effect;
  /** The id of the deciding rule, or `default` when no rule matched. */
  readonly ruleId: string;
  readonly violation: ViolationType | null;
}

/** Who is calling, for rules with `from`. */
export interface Caller {
  readonly file: string;
  readonly packageName: string | null;
}

type Patterns = readonly (RegExp | null)[];

interface CompiledRule {
  readonly match: RuleMatch;
  /** null entries match every target (`**`). */
  readonly patterns: Patterns;
  /** Each pattern's text up to its first glob character: what every target it matches starts with. */
  readonly prefixes: readonly string[];
  /** For each pattern `<head>/**`: `<head>`, which every directory whose whole subtree it matches matches (null: `**`, every directory). */
  readonly subtreeHeads: Patterns;
  readonly from: Patterns | null;
}

// `@` and `+` open extglobs (`@(a|b)`, `+(a)`): until 2026-11-23 a prefix ran through them, named no real directory, and
// the tree checks of a rename skipped the rule (moving `ok/keep` away took `ok/+(keep)/x/**` off its files).
const GLOB_CHARS = '*?[{!@+(';

function literalPrefix(pattern: string): string {
  for (let i = 0; i < pattern.length; i++) if (primordials.StringPrototypeIndexOf(GLOB_CHARS, pattern[i]) !== -1) return primordials.StringPrototypeSlice(pattern, 0, i);
  return pattern;
}

function subtreeHeadsOf(patterns: readonly string[]): (RegExp | null)[] {
  const heads: (RegExp | null)[] = [];
  for (const pattern of patterns) {
    if (pattern === '**' || pattern === '/**') heads.push(null);
    else if (pattern.endsWith('/**')) heads.push(compileGlob(pattern.slice(0, -3)));
  }
  return heads;
}

interface KindMatcher {
  readonly rules: CompiledRule[];
  readonly fromRules: CompiledRule[];
  readonly cache: Map<string, RuleMatch>;
}

const CACHE_LIMIT = 4096;
const PRECEDENCE: Readonly<Record<Effect, number>> = { allow: 1, approve: 2, deny: 3 };

export class RuleSet {
  readonly #byKind = new Map<string, KindMatcher>();
  readonly #fallback: RuleMatch;

  constructor(rules: readonly Rule[], defaultEffect: 'allow' | 'deny') {
    this.#fallback = Object.freeze({ effect: defaultEffect, ruleId: 'default', violation: null });
    for (const rule of rules) {
      const compiled: CompiledRule = {
        match: Object.freeze({ effect: rule.effect, ruleId: rule.id, violation: rule.violation ?? null }),
        patterns: toList(rule.target).map(compileGlob),
        prefixes: toList(rule.target).map(literalPrefix),
        subtreeHeads: subtreeHeadsOf(toList(rule.target)),
        from: rule.from === undefined ? null : toList(rule.from).map(compileGlob),
      };
      for (const kind of toList(rule.action)) {
        const matcher = this.#matcherFor(kind);
        (compiled.from === null ? matcher.rules : matcher.fromRules).push(compiled);
      }
    }
  }

  /** Whether deciding `kind` needs the caller (some rule for it has `from`). */
  needsCaller(kind: ActionKind): boolean {
    const matcher = MapPrototypeGet(this.#byKind, kind);
    return matcher !== undefined && matcher.fromRules.length > 0;
  }

  /**
   * Whether a rule that does not simply allow `kind` could match something strictly below the directory `dir`
   * (a rename of `dir` moves those targets out from under it). Errs towards true: any pattern whose literal
   * start leads into `dir`, or is a start of `dir/`, counts. Under a default that does not allow, so does
   * every directory that no allow rule (without `from`) covers whole: what is below it may be protected only
   * by the default.
   */
  guardsBelow(kind: ActionKind, dir: string): boolean {
    const matcher = MapPrototypeGet(this.#byKind, kind);
    if (matcher === undefined) return false;
    const below = dir === '/' ? '/' : `${dir}/`;
    const lists = [matcher.rules, matcher.fromRules];
    for (let l = 0; l < lists.length; l++) {
      for (let i = 0; i < lists[l].length; i++) {
        const rule = lists[l][i];
        if (rule.match.effect === 'allow') continue;
        for (let j = 0; j < rule.prefixes.length; j++) {
          const prefix = rule.prefixes[j];
          if (StringPrototypeStartsWith(prefix, below) || StringPrototypeStartsWith(below, prefix)) return true;
        }
      }
    }
    return this.#fallback.effect !== 'allow' && !coversWhole(matcher.rules, dir);
  }

  /** The deciding rule for `kind:target`: any deny wins, else approve, else allow, else the default. */
  match(kind: ActionKind, target: string, caller: Caller | null = null): RuleMatch {
    const matcher = MapPrototypeGet(this.#byKind, kind);
    if (matcher === undefined) return this.#fallback;
    let best = MapPrototypeGet(matcher.cache, target);
    if (best === undefined) {
      best = evaluate(matcher.rules, kind, target, null, null) ?? this.#fallback;
      if (MapPrototypeGetSize(matcher.cache) >= CACHE_LIMIT) MapPrototypeClear(matcher.cache);
      MapPrototypeSet(matcher.cache, target, best);
    }
    if (caller === null || matcher.fromRules.length === 0) return best;
    const start = best === this.#fallback ? null : best;
    return evaluate(matcher.fromRules, kind, target, caller, start) ?? this.#fallback;
  }

  #matcherFor(kind: string): KindMatcher {
    let matcher = this.#byKind.get(kind);
    if (!matcher) this.#byKind.set(kind, (matcher = { rules: [], fromRules: [], cache: new Map() }));
    return matcher;
  }
}

/**
 * Whether an allow rule matches every path below the directory `dir`: its pattern is `<head>/**` and `<head>`
 * matches `dir` or one of its ancestors.
 */
function coversWhole(rules: readonly CompiledRule[], dir: string): boolean {
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    if (rule.match.effect !== 'allow') continue;
    for (let j = 0; j < rule.subtreeHeads.length; j++) {
      const head = rule.subtreeHeads[j];
      if (head === null) return true;
      for (let d = dir; d.length > 1; d = StringPrototypeSlice(d, 0, StringPrototypeLastIndexOf(d, '/'))) {
        if (RegExpPrototypeTest(head, d)) return true;
      }
    }
  }
  return false;
}

function evaluate(rules: readonly CompiledRule[], kind: ActionKind, target: string, caller: Caller | null, start: RuleMatch | null): RuleMatch | null {
  const alias = aliasOf(kind, target);
  let best = start;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    if (best !== null && PRECEDENCE[rule.match.effect] <= PRECEDENCE[best.effect]) continue;
    if (rule.from !== null && (caller === null || !callerMatches(rule.from, caller))) continue;
    if (matchesAny(rule.patterns, target) || (alias !== null && matchesAny(rule.patterns, alias))) best = rule.match;
  }
  return best;
}

function callerMatches(from: Patterns, caller: Caller): boolean {
  return matchesAny(from, caller.file) || (caller.packageName !== null && matchesAny(from, caller.packageName));
}

function matchesAny(patterns: Patterns, target: string): boolean {
  for (let i = 0; i < patterns.length; i++) {
    const pattern = patterns[i];
    if (pattern === null || RegExpPrototypeTest(pattern, target)) return true;
  }
  return false;
}

/** A second name a rule may use for the target: an executable's basename, a builtin without `node:`. */
function aliasOf(kind: ActionKind, target: string): string | null {
  if (kind === 'process_spawn') {
    const slash = StringPrototypeLastIndexOf(target, '/');
    return slash >= 0 ? StringPrototypeSlice(target, slash + 1) : null;
  }
  if (kind === 'module_load' && StringPrototypeStartsWith(target, 'node:')) return StringPrototypeSlice(target, 5);
  return null;
}

function toList<T>(value: T | readonly T[]): T[] {
  return Array.isArray(value) ? [...value] : [value as T];
}
