// A code frame: the flagged line with a little context and a caret line under the flagged columns.

const CONTEXT_LINES = 2;

export function codeFrame(lines: readonly string[], line: number, column: number, endLine?: number, endColumn?: number): string {
  const first = Math.max(1, line - CONTEXT_LINES);
  const last = Math.min(lines.length, line + CONTEXT_LINES);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const text = (lines[n - 1] ?? '').replace(/\t/g, ' ');
    out.push(`${n === line ? '>' : ' '} ${String(n).padStart(width)} | ${text}`.trimEnd());
    if (n === line) {
      const caretEnd = endColumn === undefined ? column + 1 : endLine === line ? endColumn : text.length + 1;
      const carets = '^'.repeat(Math.max(1, Math.min(caretEnd, text.length + 1) - column));
      out.push(`  ${' '.repeat(width)} | ${' '.repeat(column - 1)}${carets}`);
    }
  }
  return out.join('\n');
}
