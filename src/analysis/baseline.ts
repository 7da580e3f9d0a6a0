// Baselines: record today's findings so that only new ones fail a check. A finding is matched by rule,
// file and a hash of the text it flags (not by line), so edits elsewhere in the file do not break the match.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import type { CheckResult, Finding } from './types';
import { CheckError } from './errors';
import { flaggedText, sourceLines } from './reporters/masked-source';

const baselineSchema = z.strictObject({
  version: z.literal(1),
  entries: z.array(z.strictObject({ rule: z.string(), file: z.string(), hash: z.string().regex(/^[0-9a-f]{64}$/), count: z.number().int().positive() })),
});

export type Baseline = z.infer<typeof baselineSchema>;

/**
 * What identifies a finding across edits: the flagged text with whitespace collapsed, or the message when the
 * rule flags no range (e.g. a missing import). Secrets are only ever stored as this hash.
 */
function fingerprint(finding: Finding, lines: readonly string[]): string {
  const text = finding.endColumn === undefined ? finding.message : flaggedText(lines, finding).replace(/\s+/g, ' ').trim();
  return createHash('sha256').update(`${finding.rule}\0${finding.file}\0${text}`).digest('hex');
}

function fingerprints(result: CheckResult): string[] {
  const linesByFile = new Map<string, string[]>();
  return result.findings.map((finding) => {
    let lines = linesByFile.get(finding.file);
    if (!lines) linesByFile.set(finding.file, (lines = sourceLines(result.sources.get(finding.file) ?? '')));
    return fingerprint(finding, lines);
  });
}

export function createBaseline(result: CheckResult): Baseline {
  const counts = new Map<string, Baseline['entries'][number]>();
  const hashes = fingerprints(result);
  result.findings.forEach((finding, i) => {
    const entry = counts.get(hashes[i]!) ?? { rule: finding.rule, file: finding.file, hash: hashes[i]!, count: 0 };
    entry.count++;
    counts.set(entry.hash, entry);
  });
  return { version: 1, entries: [...counts.values()] };
}

export function writeBaseline(path: string, result: CheckResult): void {
  writeFileSync(path, `${JSON.stringify(createBaseline(result), null, 2)}\n`);
}

export function readBaseline(path: string): Baseline {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CheckError(`cannot read baseline ${path}: ${(error as Error).message}`);
  }
  const parsed = baselineSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CheckError(`baseline ${path} is malformed at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

/** The result without the findings the baseline records (each entry hides at most `count` findings). */
export function applyBaseline(result: CheckResult, baseline: Baseline): CheckResult {
  const remaining = new Map(baseline.entries.map((entry) => [entry.hash, entry.count]));
  const hashes = fingerprints(result);
  const kept = result.findings.filter((_, i) => {
    const left = remaining.get(hashes[i]!) ?? 0;
    if (left > 0) remaining.set(hashes[i]!, left - 1);
    return left === 0;
  });
  const summary = { ...result.summary, byCategory: { ...result.summary.byCategory }, bySeverity: { ...result.summary.bySeverity } };
  const keptSet = new Set(kept);
  for (const finding of result.findings) {
    if (keptSet.has(finding)) continue;
    summary.byCategory[finding.category]--;
    summary.bySeverity[finding.severity]--;
  }
  summary.suppressed = result.findings.length - kept.length;
  summary.findings = kept.length;
  return { findings: kept, summary, sources: result.sources };
}
