// Runs every enabled AST rule over one parsed file in a single traversal (none when no rule's mayReport holds).
import traverse, { type Visitor } from '@babel/traverse';
import type { AstFileContext, AstRule, Finding } from '../types';
import { toFinding } from './findings';

/** Files being traversed: a file checked early for the module index may be traversed inside another's traversal. */
let traversing = 0;

export function runAstRules(rules: readonly AstRule[], run: AstFileContext): Finding[] {
  const findings: Finding[] = [];
  const reporting = rules.filter((rule) => !rule.mayReport || rule.mayReport(run));
  if (reporting.length === 0) return findings;
  const visitors: Visitor[] = reporting.map((rule) =>
    rule.create({
      ...run,
      report: (descriptor) => findings.push(toFinding(rule.meta, run.relativeFile, descriptor)),
    }),
  );
  const active = visitors.filter((visitor) => Object.keys(visitor).length > 0);
  traversing++;
  try {
    if (active.length > 0) traverse(run.ast, traverse.visitors.merge(active));
  } finally {
    traversing--;
  }
  // Babel keeps every visited node's paths and scopes in a global cache; dropping them after each file keeps
  // memory, and so garbage collection time, flat over a large run (not while an outer traversal still uses it).
  if (traversing === 0) traverse.cache.clear();
  return findings;
}
