// Every rule of the static checker, grouped by check.
import type { AstRule, CheckName, Finding, ModuleIndex, TextRule } from './types';
import { mathRandomRule, numericRandomRule, pseudoRandomBytesRule, randomPackageRule } from './synthetic-data';
import { requiredImportRule } from './missing-governance-import';

export const CHECK_NAMES: readonly CheckName[] = ['synthetic_data', 'secret', 'missing_governance_import', 'deceptive_import', 'fake_method_call'];

/** The secret check works on text (every text file), the others on the JavaScript/TypeScript AST. */
export interface SecretCheck {
  secretRules: readonly TextRule[];
  scanSecrets(text: string, file: string): Finding[];
  isTextFile(path: string, firstBytes: Uint8Array): boolean;
}

// The secret, deceptive-import and fake-method-call checks and the module index are written in parallel
// folders; they are loaded on first use so that a run that does not need them does not pay for them.
export function secretCheck(): SecretCheck {
  return require('./secret') as SecretCheck;
}

export function createModuleIndex(options: { cwd: string }): ModuleIndex {
  return (require('./modules') as { createModuleIndex(options: { cwd: string }): ModuleIndex }).createModuleIndex(options);
}

const AST_RULES: Readonly<Record<Exclude<CheckName, 'secret'>, () => readonly AstRule[]>> = {
  synthetic_data: () => [mathRandomRule, pseudoRandomBytesRule, randomPackageRule, numericRandomRule],
  missing_governance_import: () => [requiredImportRule],
  deceptive_import: () => [(require('./deceptive-import') as { deceptiveImportRule: AstRule }).deceptiveImportRule],
  fake_method_call: () => [(require('./fake-method-call') as { fakeMethodCallRule: AstRule }).fakeMethodCallRule],
};

/** The AST rules of the given checks. */
export function astRulesOf(checks: readonly CheckName[]): AstRule[] {
  return checks.flatMap((check) => (check === 'secret' ? [] : AST_RULES[check]()));
}
