// Load-time checking (`analysis.atLoad`): a user module (not in node_modules) is run through the static
// checker when its load is decided, and each finding is decided as a violation. Results are cached by
// content hash in the state dir, so a second run only hashes the file; the checker (babel) loads on a miss.
import nodeCrypto = require('node:crypto');
import fs = require('node:fs');
import nodePath = require('node:path');
import { primordials } from '../primordials';
import type { CheckName, Finding } from '../analysis/types';
import type { GovernanceDeniedError } from './errors';

// Captured at load: they are used at module-load decisions, after user code could have replaced them.
const { createHash } = nodeCrypto;
const { mkdirSync, readFileSync, renameSync, writeFileSync } = fs;
const { resolve } = nodePath;
const { StringPrototypeIndexOf, StringPrototypeStartsWith, StringPrototypeEndsWith, JSONParse, JSONStringify } = primordials;

export interface LoadCheckSettings {
  /** Directory the config's globs are relative to. */
  baseDir: string;
  /** Where cached results live (`<stateDir>/analysis-cache`). */
  cacheDir: string;
  exempt: readonly string[];
  requireGovernanceImport: readonly string[];
}

type Decide = (violation: CheckName, reason: string) => GovernanceDeniedError | null;

/** The cache's directory in the state dir (protected from the program's writes, hooks/log-files.ts). */
export const ANALYSIS_CACHE = 'analysis-cache';
const SOURCE_EXTENSIONS = ['.js', '.cjs', '.mjs', '.ts', '.cts', '.mts', '.jsx', '.tsx'];
/** Bumped when the checker's findings could change for the same bytes. */
const CACHE_VERSION = '1';

export function isCheckedModule(target: string): boolean {
  if (!StringPrototypeStartsWith(target, '/') || StringPrototypeIndexOf(target, '/node_modules/') >= 0) return false;
  for (const ext of SOURCE_EXTENSIONS) if (StringPrototypeEndsWith(target, ext)) return true;
  return false;
}

/** Checks the module at `file` and decides each finding; returns the first blocking error, if any. */
export function checkModuleAtLoad(file: string, settings: LoadCheckSettings, decide: Decide): GovernanceDeniedError | null {
  let code: string;
  try {
    code = readFileSync(file, 'utf8');
  } catch {
    return null; // Node reports a missing or unreadable module itself.
  }
  let firstError: GovernanceDeniedError | null = null;
  for (const finding of findingsOf(file, code, settings)) {
    const error = decide(finding.category, `${finding.rule} at ${finding.file}:${finding.line}:${finding.column}: ${finding.message}`);
    if (firstError === null) firstError = error;
  }
  return firstError;
}

function findingsOf(file: string, code: string, settings: LoadCheckSettings): Finding[] {
  const key = createHash('sha256').update(`${CACHE_VERSION}\0${file}\0`).update(code).digest('hex');
  const cacheFile = resolve(settings.cacheDir, `${key}.json`);
  try {
    return JSONParse(readFileSync(cacheFile, 'utf8')) as Finding[];
  } catch {
    // Not cached yet.
  }
  const { checkSource } = require('../analysis/index') as typeof import('../analysis/index');
  const checks: CheckName[] = ['synthetic_data', 'secret', 'deceptive_import', 'fake_method_call'];
  if (settings.requireGovernanceImport.length > 0) checks.push('missing_governance_import');
  const findings = checkSource(file, code, {
    cwd: settings.baseDir,
    checks,
    settings: { baseDir: settings.baseDir, exempt: settings.exempt, requireImport: settings.requireGovernanceImport.map((glob) => ({ glob, module: '@mltrainer/governance' })) },
  });
  try {
    mkdirSync(settings.cacheDir, { recursive: true });
    const temporary = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(temporary, JSONStringify(findings));
    renameSync(temporary, cacheFile);
  } catch {
    // The cache only saves time.
  }
  return findings;
}
