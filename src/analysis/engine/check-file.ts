// Checks one file of a run: the plan every file shares, the outcome of one file, and the result of a run
// assembled from outcomes in input order (so a run split over worker threads reports exactly as one thread).
import { relative, resolve } from 'node:path';
import type { File } from '@babel/types';
import type { AstRule, CheckName, CheckOptions, CheckResult, CheckSummary, Finding, ModuleIndex, RuleSettings } from '../types';
import { CheckError } from '../errors';
import { createModuleIndex } from '../modules';
import { astRulesOf, CHECK_NAMES } from '../rules';
import { isKeyStoreFile, isTextFile, scanSecrets } from '../secret';
import { looksGenerated } from './generated';
import { MAX_FILE_BYTES, type SourceFile } from './discover';
import { isParsable, parseSource } from './parse';
import { toPosix } from './paths';
import { runAstRules } from './run-ast-rules';

const SNIFF_BYTES = 8000;

/** A file of the run not checked yet: its bytes on demand (from the work tree or the git index), null when too large. */
export type PendingFile = SourceFile;

/**
 * What the module index may take from the run: the trees of the files being checked (and their bytes, when
 * read from the work tree as the index reads files), and files of the run it needs as dependencies before
 * their turn, which are checked at once (so parsed once) and their outcomes kept.
 */
interface RunState {
  checking: Map<string, { code: string; ast: File; workTreeBytes?: Buffer }>;
  pending: Map<string, PendingFile>;
  checkedEarly: Map<string, FileOutcome>;
}

export interface Plan {
  cwd: string;
  astRules: AstRule[];
  secrets: boolean;
  /** Leave generated and minified files to the secret check. */
  skipGenerated: boolean;
  settings: RuleSettings;
  modules: ModuleIndex;
  run: RunState;
}

function validChecks(checks: readonly CheckName[] | undefined): readonly CheckName[] {
  if (!checks) return CHECK_NAMES;
  for (const check of checks) {
    if (!CHECK_NAMES.includes(check)) throw new CheckError(`unknown check "${check}"; the checks are ${CHECK_NAMES.join(', ')}`);
  }
  return checks;
}

/** `skipGenerated` is the default of `options.checkGenerated` (false: every file gets every check). */
export function makePlan(options: CheckOptions, skipGenerated: boolean): Plan {
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
  const run: RunState = { checking: new Map(), pending: new Map(), checkedEarly: new Map() };
  const plan: Plan = {
    cwd,
    astRules: astRulesOf(checks),
    secrets: checks.includes('secret'),
    skipGenerated: options.checkGenerated === undefined ? skipGenerated : !options.checkGenerated,
    settings,
    modules: createModuleIndex({
      cwd,
      bytesOf: (file) => run.checking.get(file)?.workTreeBytes,
      treeOf: (file, bytes) => treeOf(plan, file, bytes),
    }),
    run,
  };
  return plan;
}

/** The module index's ModuleIndexOptions.treeOf: `bytes` are the work tree's. */
function treeOf(plan: Plan, file: string, bytes: Buffer): File | undefined {
  const { checking, pending, checkedEarly } = plan.run;
  const current = checking.get(file);
  if (current) return current.workTreeBytes === bytes || current.code === bytes.toString('utf8') ? current.ast : undefined;
  const later = pending.get(file);
  if (!later) return undefined;
  if (bytes.length > MAX_FILE_BYTES) return undefined;
  // The run may check other bytes than the work tree's (staged files): those are not the dependency's.
  const content = later.workTree ? bytes : later.read();
  if (content === null || !content.equals(bytes)) return undefined;
  pending.delete(file);
  let ast: File | undefined;
  checkedEarly.set(file, checkFileContent(plan, later, content, (tree) => (ast = tree)));
  return ast;
}

export interface TextOutcome {
  findings: Finding[];
  parseError?: string;
  /** The file looked generated or minified, so only the secret check ran. */
  secretsOnly?: boolean;
}

/** Where a text came from, for the module index: its bytes when read from the work tree, and who wants its tree. */
interface TextSource {
  workTreeBytes?: Buffer;
  onTree?: (ast: File) => void;
}

/** Runs the plan's checks over one source text. */
export function checkText(plan: Plan, absolute: string, relativeFile: string, code: string, source: TextSource = {}): TextOutcome {
  const findings: Finding[] = plan.secrets ? scanSecrets(code, relativeFile) : [];
  const rules = isParsable(absolute) ? plan.astRules.filter((rule) => !rule.mayApply || rule.mayApply(code)) : [];
  if (rules.length === 0) return { findings };
  if (plan.skipGenerated && looksGenerated(code)) return { findings, secretsOnly: true };
  let ast;
  try {
    ast = parseSource(code, absolute);
  } catch (error) {
    return { findings, parseError: (error as Error).message };
  }
  source.onTree?.(ast);
  const run = { file: absolute, relativeFile, code, ast, modules: plan.modules, settings: plan.settings };
  plan.run.checking.set(absolute, { code, ast, workTreeBytes: source.workTreeBytes });
  try {
    findings.push(...runAstRules(rules, run));
  } finally {
    plan.run.checking.delete(absolute);
  }
  return { findings };
}

export interface FileOutcome extends TextOutcome {
  relativeFile: string;
  /** Binary or too large (over MAX_FILE_BYTES): not scanned (a key store still yields its finding). */
  skipped: boolean;
  /** The text, kept only when there are findings (for code frames and baselines). */
  code?: string;
}

/** Checks one file of the run given its bytes (null: too large, not read). */
function checkFileContent(plan: Plan, file: PendingFile, content: Buffer | null, onTree?: (ast: File) => void): FileOutcome {
  const { absolute } = file;
  const relativeFile = toPosix(relative(plan.cwd, absolute));
  if (content === null || !isTextFile(absolute, content.subarray(0, SNIFF_BYTES))) {
    // A committed key store is a finding even though it is binary.
    const findings = plan.secrets && isKeyStoreFile(relativeFile) ? scanSecrets('', relativeFile) : [];
    return { relativeFile, skipped: true, findings };
  }
  const code = content.toString('utf8');
  const outcome = checkText(plan, absolute, relativeFile, code, { onTree, ...(file.workTree ? { workTreeBytes: content } : {}) });
  return { ...outcome, relativeFile, skipped: false, ...(outcome.findings.length > 0 ? { code } : {}) };
}

/**
 * Checks files on this thread; outcomes in input order. A file the module index needs as a dependency before
 * its turn is checked then (see treeOf).
 */
export function checkSourceFiles(plan: Plan, files: readonly PendingFile[]): FileOutcome[] {
  const { pending, checkedEarly } = plan.run;
  for (const file of files) pending.set(file.absolute, file);
  try {
    return files.map((file) => {
      const early = checkedEarly.get(file.absolute);
      if (early) {
        checkedEarly.delete(file.absolute);
        return early;
      }
      pending.delete(file.absolute);
      return checkFileContent(plan, file, file.read());
    });
  } finally {
    pending.clear();
    checkedEarly.clear();
  }
}

export function byPosition(a: Finding, b: Finding): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column;
}

function emptySummary(): CheckSummary {
  const byCategory = Object.fromEntries(CHECK_NAMES.map((name) => [name, 0])) as Record<CheckName, number>;
  return { filesScanned: 0, filesSkipped: 0, findings: 0, byCategory, bySeverity: { error: 0, warning: 0 }, suppressed: 0, durationMs: 0, parseErrors: [], secretsOnly: [] };
}

/** The result of a run from its files' outcomes, in input order; `started` is the run's performance.now(). */
export function assembleResult(outcomes: readonly FileOutcome[], started: number): CheckResult {
  const summary = emptySummary();
  const findings: Finding[] = [];
  const sources = new Map<string, string>();
  for (const outcome of outcomes) {
    findings.push(...outcome.findings);
    if (outcome.skipped) {
      summary.filesSkipped++;
      continue;
    }
    summary.filesScanned++;
    if (outcome.parseError !== undefined) summary.parseErrors.push({ file: outcome.relativeFile, message: outcome.parseError });
    if (outcome.secretsOnly) summary.secretsOnly.push(outcome.relativeFile);
    if (outcome.code !== undefined) sources.set(outcome.relativeFile, outcome.code);
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
