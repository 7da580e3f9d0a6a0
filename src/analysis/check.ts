// The public entry points of the static checker: check files and folders, or one source text.
import { relative, resolve } from 'node:path';
import type { CheckOptions, CheckResult, Finding } from './types';
import { assembleResult, byPosition, checkSourceFiles, checkText, makePlan } from './engine/check-file';
import { discoverFiles } from './engine/discover';
import { toPosix } from './engine/paths';

/**
 * Checks files and folders (default: the repository, honouring .gitignore and .governanceignore) on this
 * thread. Generated and minified files get the secret check only unless `options.checkGenerated` is set.
 */
export function checkFiles(paths: readonly string[], options: CheckOptions = {}): CheckResult {
  const started = performance.now();
  const plan = makePlan(options, true);
  const files = discoverFiles(paths, { cwd: plan.cwd, staged: options.staged === true });
  return assembleResult(checkSourceFiles(plan, files), started);
}

/**
 * A synchronous one-file checker that keeps its module index between calls, for the runtime's load-time
 * checking of every module it loads: `check(file, code)` runs all AST checks and secrets by default, on
 * generated files too (`options.checkGenerated` defaults to true here).
 * `file` is the module's path; findings are relative to `options.cwd`.
 */
export function createSourceChecker(options: CheckOptions = {}): (file: string, code: string) => Finding[] {
  const plan = makePlan(options, false);
  return (file, code) => {
    const absolute = resolve(plan.cwd, file);
    return checkText(plan, absolute, toPosix(relative(plan.cwd, absolute)), code).findings.sort(byPosition);
  };
}

/** Checks one source text synchronously (see createSourceChecker; this builds a fresh one per call). */
export function checkSource(file: string, code: string, options: CheckOptions = {}): Finding[] {
  return createSourceChecker(options)(file, code);
}
