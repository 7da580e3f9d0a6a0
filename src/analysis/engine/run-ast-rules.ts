// Runs every enabled AST rule over one parsed file in a single traversal.
import traverse, { type Visitor } from '@babel/traverse';
import type { File } from '@babel/types';
import type { AstRule, Finding, ModuleIndex, RuleSettings } from '../types';
import { toFinding } from './findings';

export interface AstRun {
  /** Absolute path. */
  file: string;
  relativeFile: string;
  code: string;
  ast: File;
  modules: ModuleIndex;
  settings: RuleSettings;
}

export function runAstRules(rules: readonly AstRule[], run: AstRun): Finding[] {
  const findings: Finding[] = [];
  const visitors: Visitor[] = rules.map((rule) =>
    rule.create({
      ...run,
      report: (descriptor) => findings.push(toFinding(rule.meta, run.relativeFile, descriptor)),
    }),
  );
  const active = visitors.filter((visitor) => Object.keys(visitor).length > 0);
  if (active.length > 0) traverse(run.ast, traverse.visitors.merge(active));
  // Babel keeps every visited node's paths and scopes in a global cache; dropping them after each file keeps
  // memory, and so garbage collection time, flat over a large run.
  traverse.cache.clear();
  return findings;
}
