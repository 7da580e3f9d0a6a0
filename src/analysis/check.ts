// The public entry points of the static checker: check files and folders, or one source text.
import { relative, resolve } from 'node:path';
import type { AstRule, CheckName, CheckOptions, CheckResult, CheckSummary, Finding, ModuleIndex, RuleSettings } from './types';
import { CheckError } from './errors';
import { discoverFiles } from './engine/discover';
import { isParsable, parseSource } from './engine/parse';
import { toPosix } from './engine/paths';
import { runAstRules } from './engine/run-ast-rules';
import { createModuleIndex } from './modules';
import { astRulesOf, CHECK_NAMES } from './rules';
import { isKeyStoreFile, isTextFile, scanSecrets } from './secret';

/** Files larger than this are skipped: generated bundles and data dumps, not hand-written code. */
const MAX_FILE_BYTES = 8 * 1024 * 1024;
const SNIFF_BYTES = 8000;

interface Plan {
  cwd: string;
  astRules: AstRule[];
  secrets: boolean;
  settings: RuleSettings;
  modules: ModuleIndex;
}

function validChecks(checks: readonly CheckName[] | undefined): readonly CheckName[] {
  if (!checks) return CHECK_NAMES;
  for (const check of checks) {
    if (!CHECK_NAMES.includes(check)) throw new CheckError(`unknown check "${check}"; the checks are ${CHECK_NAMES.join(', ')}`);
  }
  return checks;
}

function makePlan(options: CheckOptions): Plan {
  const cwd = resolve(options.cwd ?? process.cwd());
  const checks = validChecks(options.checks);
  const settings: RuleSettings = {
    baseDir: resolve(cwd, options.settings?.baseDir ?? '.'),
    exempt: options.settings?.exempt ?? [],
    requireImport: options.settings?.requireImport ?? [],
  };
  if (options.checks?.includes('missing_governance_import') && settings.requireImport.length === 0) {
    throw new CheckError('missing_governance_import needs at least one glob: set analysis.requireGovernanceImport in the config or pass --require-import GLOB');
  }
  return { cwd, astRules: astRulesOf(checks), secrets: checks.includes('secret'), settings, modules: createModuleIndex({ cwd }) };
}

interface FileOutcome {
  findings: Finding[];
  parseError?: string;
}

function checkText(plan: Plan, absolute: string, relativeFile: string, code: string): FileOutcome {
  const findings: Finding[] = plan.secrets ? scanSecrets(code, relativeFile) : [];
  const rules = isParsable(absolute) ? plan.astRules.filter((rule) => !rule.mayApply || rule.mayApply(code)) : [];
  if (rules.length === 0) return { findings };
  let ast;
  try {
    ast = parseSource(code, absolute);
  } catch (error) {
    return { findings, parseError: (error as Error).message };
  }
  const run = { file: absolute, relativeFile, code, ast, modules: plan.modules, settings: plan.settings };
  findings.push(...runAstRules(rules, run));
  return { findings };
}


function emptySummary(): CheckSummary {
  const byCategory = Object.fromEntries(CHECK_NAMES.map((name) => [name, 0])) as Record<CheckName, number>;
  return { filesScanned: 0, filesSkipped: 0, findings: 0, byCategory, bySeverity: { error: 0, warning: 0 }, suppressed: 0, durationMs: 0, parseErrors: [] };
}

function byPosition(a: Finding, b: Finding): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column;
}

/** Checks files and folders (default: the repository, honouring .gitignore and .governanceignore). */
export function checkFiles(paths: readonly string[], options: CheckOptions = {}): CheckResult {
  const started = performance.now();
  const plan = makePlan(options);
  const summary = emptySummary();
  const findings: Finding[] = [];
  const sources = new Map<string, string>();
  for (const file of discoverFiles(paths, { cwd: plan.cwd, staged: options.staged === true })) {
    const relativeFile = toPosix(relative(plan.cwd, file.absolute));
    const content = file.read();
    if (content.length > MAX_FILE_BYTES || !isTextFile(file.absolute, content.subarray(0, SNIFF_BYTES))) {
      // A committed key store is a finding even though it is binary.
      if (plan.secrets && isKeyStoreFile(relativeFile)) findings.push(...scanSecrets('', relativeFile));
      summary.filesSkipped++;
      continue;
    }
    const code = content.toString('utf8');
    const outcome = checkText(plan, file.absolute, relativeFile, code);
    summary.filesScanned++;
    if (outcome.parseError !== undefined) summary.parseErrors.push({ file: relativeFile, message: outcome.parseError });
    if (outcome.findings.length > 0) {
      findings.push(...outcome.findings);
      sources.set(relativeFile, code);
    }
  }
  findings.sort(byPosition);
  for (const finding of findings) {
    summary.byCategory[finding.category]++;
    summary.bySeverity[finding.severity]++;
  }
  summary.findings = findings.length;
  summary.durationMs = Math.round(performance.now() - started);
  return { findings, summary, sources };
}

/**
 * A synchronous one-file checker that keeps its module index between calls, for the runtime's load-time
 * checking of every module it loads: `check(file, code)` runs all AST checks and secrets by default.
 * `file` is the module's path; findings are relative to `options.cwd`.
 */
export function createSourceChecker(options: CheckOptions = {}): (file: string, code: string) => Finding[] {
  const plan = makePlan(options);
  return (file, code) => {
    const absolute = resolve(plan.cwd, file);
    return checkText(plan, absolute, toPosix(relative(plan.cwd, absolute)), code).findings.sort(byPosition);
  };
}

/** Checks one source text synchronously (see createSourceChecker; this builds a fresh one per call). */
export function checkSource(file: string, code: string, options: CheckOptions = {}): Finding[] {
  return createSourceChecker(options)(file, code);
}
