// Turns a rule's report into a Finding: fills the message template and attaches the rule's metadata.
import type { Finding, ReportDescriptor, RuleMeta } from '../types';

const PLACEHOLDER = /\{\{\s*(\w+)\s*\}\}/g;

export function formatMessage(meta: RuleMeta, descriptor: ReportDescriptor): string {
  const template = meta.messages[descriptor.messageId];
  if (template === undefined) throw new Error(`rule ${meta.id} has no message "${descriptor.messageId}"`);
  return template.replace(PLACEHOLDER, (whole, name: string) => descriptor.data?.[name] ?? whole);
}

export function toFinding(meta: RuleMeta, file: string, descriptor: ReportDescriptor): Finding {
  const finding: Finding = {
    rule: meta.id,
    category: meta.check,
    file,
    line: descriptor.start.line,
    column: descriptor.start.column,
    message: formatMessage(meta, descriptor),
    severity: meta.severity,
  };
  if (descriptor.end) {
    finding.endLine = descriptor.end.line;
    finding.endColumn = descriptor.end.column;
  }
  return finding;
}
