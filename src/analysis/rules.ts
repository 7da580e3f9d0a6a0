// Every rule of the static checker, grouped by check.
import type { AstRule, CheckName, RuleMeta } from './types';
import { mathRandomRule, numericRandomRule, pseudoRandomBytesRule, randomPackageRule } from './synthetic-data';
import { requiredImportRule } from './missing-governance-import';
import { deceptiveImportRule } from './deceptive-import';
import { fakeMethodCallRule } from './fake-method-call';
import { keyStoreFileRule, secretRules } from './secret';

export const CHECK_NAMES: readonly CheckName[] = ['synthetic_data', 'secret', 'missing_governance_import', 'deceptive_import', 'fake_method_call'];

const AST_RULES: Readonly<Record<Exclude<CheckName, 'secret'>, readonly AstRule[]>> = {
  synthetic_data: [mathRandomRule, pseudoRandomBytesRule, randomPackageRule, numericRandomRule],
  missing_governance_import: [requiredImportRule],
  deceptive_import: [deceptiveImportRule],
  fake_method_call: [fakeMethodCallRule],
};

/** The AST rules of the given checks (the secret check reads text and has none). */
export function astRulesOf(checks: readonly CheckName[]): AstRule[] {
  return checks.flatMap((check) => (check === 'secret' ? [] : AST_RULES[check]));
}

/** Metadata of every rule of the given checks, for reporters. */
export function ruleMetasOf(checks: readonly CheckName[]): RuleMeta[] {
  const metas = astRulesOf(checks).map((rule) => rule.meta);
  if (checks.includes('secret')) metas.push(...secretRules.map((rule) => rule.meta), keyStoreFileRule);
  return metas;
}
