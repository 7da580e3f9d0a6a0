// The JSON report [contract]: `{findings: [{rule, category, file, line, column, message, severity}], summary}`.
import type { CheckResult } from '../types';

export function formatJson(result: CheckResult): string {
  return JSON.stringify({ findings: result.findings, summary: result.summary });
}
