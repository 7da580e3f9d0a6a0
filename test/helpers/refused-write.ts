// The assertion per-package bypass suites share: an attempt's write was refused, did not happen, and is on the record.
import { existsSync } from 'node:fs';
import { expect } from 'vitest';

interface AttemptOutcome {
  outcome: string;
  code?: string;
}

interface Recorded {
  entries(): readonly { action: string; target: string; decision: string }[];
}

export function expectWriteRefused(outcome: AttemptOutcome | undefined, run: Recorded, target: string): void {
  expect(outcome, JSON.stringify(outcome)).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
  expect(existsSync(target)).toBe(false);
  expect(run.entries().some((e) => e.action === 'file_write' && e.target === target && e.decision === 'deny')).toBe(true);
}
