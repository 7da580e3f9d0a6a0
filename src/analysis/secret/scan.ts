import type { Finding, Position } from '../types';
import { allowedLines } from './allow-comment';
import { lineIndexOf } from './positions';
import { isKeyStoreFile, keyStoreFileRule, secretRules } from './rules';

/** A secret finding; `endLine`/`endColumn` mark the end of the secret so reporters can mask it. */
export interface SecretFinding extends Finding {
  endLine: number;
  endColumn: number;
}

interface Located {
  finding: SecretFinding;
  start: number;
  end: number;
}

function fill(template: string, data: Readonly<Record<string, string>> | undefined): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => data?.[name] ?? '');
}

/**
 * Scans one text file for secrets with every rule, drops findings allowed by a `governance-allow-secret`
 * comment, keeps only the most specific of overlapping findings, and masks the secret in every message.
 * `file` is the path relative to the working directory.
 */
export function scanSecrets(text: string, file: string): SecretFinding[] {
  const found: Located[] = [];
  if (isKeyStoreFile(file)) {
    const message = keyStoreFileRule.messages['found']!;
    found.push({ finding: { rule: keyStoreFileRule.id, category: 'secret', file, line: 1, column: 1, endLine: 1, endColumn: 1, message, severity: 'error' }, start: 0, end: 0 });
  }
  const allowed = allowedLines(text);
  for (const rule of secretRules) {
    rule.scan(text, (report) => {
      if (allowed.has(report.start.line)) return;
      const endPosition: Position = report.end ?? report.start;
      const index = lineIndexOf(text);
      const start = index.offset(report.start);
      const end = index.offset(endPosition);
      if (found.some((other) => start < other.end && other.start < end)) return;
      const message = fill(rule.meta.messages[report.messageId] ?? report.messageId, report.data);
      found.push({
        finding: { rule: rule.meta.id, category: 'secret', file, line: report.start.line, column: report.start.column, endLine: endPosition.line, endColumn: endPosition.column, message, severity: rule.meta.severity },
        start,
        end,
      });
    });
  }
  return found.map((entry) => entry.finding).sort((a, b) => a.line - b.line || a.column - b.column);
}
