// Source lines as reporters may show them: the flagged range of every `secret` finding is replaced by `*`.
import type { Finding } from '../types';

/** Line terminators as Babel counts them, so finding lines and these lines agree. */
const LINE_BREAK = /\r\n|[\n\r\u2028\u2029]/;

function maskRange(lines: string[], finding: Finding): void {
  const endLine = finding.endLine ?? finding.line;
  for (let line = finding.line; line <= endLine && line <= lines.length; line++) {
    const text = lines[line - 1]!;
    const from = line === finding.line ? finding.column - 1 : 0;
    // Without a known end, everything from the start to the end of the line is hidden.
    const to = line === endLine && finding.endColumn !== undefined ? finding.endColumn - 1 : text.length;
    if (to > from) lines[line - 1] = text.slice(0, from) + '*'.repeat(to - from) + text.slice(to);
  }
}

export function sourceLines(text: string): string[] {
  return text.split(LINE_BREAK);
}

/** The lines of `text` with every secret in `findings` (findings of this file) masked. */
export function maskedLines(text: string, findings: readonly Finding[]): string[] {
  const lines = sourceLines(text);
  for (const finding of findings) if (finding.category === 'secret') maskRange(lines, finding);
  return lines;
}

/** The text a finding flags (masked if secret): its range, or its whole line when it has no end. */
export function flaggedText(lines: readonly string[], finding: Finding): string {
  const endLine = finding.endLine ?? finding.line;
  if (finding.endColumn === undefined) return (lines[finding.line - 1] ?? '').trim();
  const parts: string[] = [];
  for (let line = finding.line; line <= endLine && line <= lines.length; line++) {
    const text = lines[line - 1]!;
    const from = line === finding.line ? finding.column - 1 : 0;
    const to = line === endLine ? finding.endColumn - 1 : text.length;
    parts.push(text.slice(from, to));
  }
  return parts.join('\n');
}
