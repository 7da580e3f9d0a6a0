// Compiles rules into per-action-kind matchers with a bounded cache of results per target.
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

interface CompiledRule {
  readonly match: RuleMatch;
  /** null entries match every target (`**`). */
  readonly patterns: readonly (RegExp | null)[];
}

interface KindMatcher {
  readonly rules: readonly CompiledRule[];
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
      };
      for (const kind of toList(rule.action)) this.#matcherFor(kind).rules.push(compiled);
    }
  }

  /** The deciding rule for `kind:target`: any deny wins, else approve, else allow, else the default. */
  match(kind: ActionKind, target: string): RuleMatch {
    const matcher = MapPrototypeGet(this.#byKind, kind);
    if (matcher === undefined) return this.#fallback;
    const cached = MapPrototypeGet(matcher.cache, target);
    if (cached !== undefined) return cached;
    const result = this.#evaluate(matcher.rules, kind, target);
    if (MapPrototypeGetSize(matcher.cache) >= CACHE_LIMIT) MapPrototypeClear(matcher.cache);
    MapPrototypeSet(matcher.cache, target, result);
    return result;
  }

  #evaluate(rules: readonly CompiledRule[], kind: ActionKind, target: string): RuleMatch {
    const alias = aliasOf(kind, target);
    let best: RuleMatch | null = null;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i];
      if (best !== null && PRECEDENCE[rule.match.effect] <= PRECEDENCE[best.effect]) continue;
      if (matchesAny(rule.patterns, target) || (alias !== null && matchesAny(rule.patterns, alias))) best = rule.match;
    }
    return best ?? this.#fallback;
  }

  #matcherFor(kind: string): { rules: CompiledRule[] } {
    let matcher = this.#byKind.get(kind) as { rules: CompiledRule[]; cache: Map<string, RuleMatch> } | undefined;
    if (!matcher) this.#byKind.set(kind, (matcher = { rules: [], cache: new Map() }));
    return matcher;
  }
}

function matchesAny(patterns: readonly (RegExp | null)[], target: string): boolean {
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
