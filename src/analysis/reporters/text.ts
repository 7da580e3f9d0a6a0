// Human-readable report: one block per finding with a code frame (secrets masked), then a summary.
import type { CheckResult, Finding } from '../types';
import { codeFrame } from './code-frame';
import { maskedLines } from './masked-source';

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function findingsByFile(findings: readonly Finding[]): Map<string, Finding[]> {
  const byFile = new Map<string, Finding[]>();
  for (const finding of findings) {
    const list = byFile.get(finding.file) ?? [];
    list.push(finding);
    byFile.set(finding.file, list);
  }
  return byFile;
}

const LISTED_SECRETS_ONLY = 5;

function secretsOnlyNote(files: readonly string[]): string {
  const listed = files.slice(0, LISTED_SECRETS_ONLY).join(', ');
  const more = files.length > LISTED_SECRETS_ONLY ? ` and ${files.length - LISTED_SECRETS_ONLY} more` : '';
  return `${plural(files.length, 'file')} looked generated or minified, so only the secret check ran on them (--check-generated runs every check): ${listed}${more}`;
}

export function formatText(result: CheckResult): string {
  const blocks: string[] = [];
  for (const [file, findings] of findingsByFile(result.findings)) {
    const lines = maskedLines(result.sources.get(file) ?? '', findings);
    for (const f of findings) {
      const frame = lines.length > 1 || lines[0] !== '' ? `\n${codeFrame(lines, f.line, f.column, f.endLine, f.endColumn)}` : '';
      blocks.push(`${f.file}:${f.line}:${f.column}  ${f.severity}  ${f.message}  [${f.rule}]${frame}`);
    }
  }
  const { summary } = result;
  for (const { file, message } of summary.parseErrors) blocks.push(`${file}: could not be parsed, AST checks skipped: ${message}`);
  if (summary.secretsOnly.length > 0) blocks.push(secretsOnlyNote(summary.secretsOnly));
  const categories = Object.entries(summary.byCategory)
    .filter(([, count]) => count > 0)
    .map(([name, count]) => `${name} ${count}`);
  const suppressed = summary.suppressed > 0 ? `, ${summary.suppressed} suppressed by the baseline` : '';
  blocks.push(
    `${plural(summary.findings, 'problem')} (${plural(summary.bySeverity.error, 'error')}, ${plural(summary.bySeverity.warning, 'warning')})` +
      `${categories.length > 0 ? ` [${categories.join(', ')}]` : ''} in ${plural(summary.filesScanned, 'file')} scanned` +
      `${summary.filesSkipped > 0 ? ` (${summary.filesSkipped} skipped)` : ''}, ${summary.durationMs} ms${suppressed}`,
  );
  return blocks.join('\n\n');
}
