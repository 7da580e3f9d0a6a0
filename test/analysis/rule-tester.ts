// Runs a rule's valid and invalid cases through the real checker: each case is written to a scratch
// folder and checked with checkFiles, like the CLI does. Modelled on ESLint's RuleTester.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkFiles } from '../../src/analysis';
import type { AstRule, Finding, RuleSettings } from '../../src/analysis/types';

export interface ValidCase {
  code: string;
  /** Where the code is written, relative to the scratch folder; default `src/case.ts`. */
  filename?: string;
  /** Other files written beside it (e.g. modules it imports). */
  files?: Readonly<Record<string, string>>;
  settings?: Partial<RuleSettings>;
  name?: string;
}

export interface ExpectedError {
  messageId: string;
  line?: number;
  column?: number;
}

export interface InvalidCase extends ValidCase {
  errors: readonly ExpectedError[];
}

function messagePattern(template: string): RegExp {
  const escaped = template.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\{\\\{\s*\w+\s*\\\}\\\}/g, '[^]*');
  return new RegExp(`^${escaped}$`);
}

function findingsOf(rule: AstRule, root: string, testCase: ValidCase): Finding[] {
  const dir = mkdtempSync(join(root, 'case-'));
  const filename = testCase.filename ?? 'src/case.ts';
  for (const [name, text] of Object.entries({ ...testCase.files, [filename]: testCase.code })) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const result = checkFiles([filename], { cwd: dir, checks: [rule.meta.check], settings: testCase.settings });
  return result.findings.filter((finding) => finding.rule === rule.meta.id);
}

function title(testCase: ValidCase): string {
  return testCase.name ?? testCase.code.replace(/\s+/g, ' ').trim().slice(0, 100);
}

export function runRuleTests(rule: AstRule, cases: { valid: readonly ValidCase[]; invalid: readonly InvalidCase[] }): void {
  const root = mkdtempSync(join(tmpdir(), 'rule-tester-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  describe(rule.meta.id, () => {
    describe('valid', () => {
      for (const testCase of cases.valid) {
        it(title(testCase), () => {
          expect(findingsOf(rule, root, testCase)).toEqual([]);
        });
      }
    });
    describe('invalid', () => {
      for (const testCase of cases.invalid) {
        it(title(testCase), () => {
          const findings = findingsOf(rule, root, testCase);
          expect(findings.map((f) => `${f.line}:${f.column} ${f.message}`)).toHaveLength(testCase.errors.length);
          testCase.errors.forEach((error, i) => {
            const finding = findings[i]!;
            const template = rule.meta.messages[error.messageId];
            expect(template, `rule has message ${error.messageId}`).toBeDefined();
            expect(finding.message).toMatch(messagePattern(template!));
            if (error.line !== undefined) expect(finding.line).toBe(error.line);
            if (error.column !== undefined) expect(finding.column).toBe(error.column);
            expect(finding.category).toBe(rule.meta.check);
          });
        });
      }
    });
  });
}
