import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanSecrets } from '../../../src/analysis/secret/index';

// Runs the examples of docs/checks/secret.md: every fenced block whose info string says `flagged <rule>`
// must produce a finding of that rule, every block marked `clean` must produce none.

interface Example {
  expectation: 'flagged' | 'clean';
  rule?: string;
  file: string;
  code: string;
  line: number;
}

function examples(markdown: string): Example[] {
  const found: Example[] = [];
  const fence = /^```(\w+) (flagged|clean)(?: (secret\/[\w-]+))?(?: file=(\S+))?\n([\s\S]*?)^```$/gm;
  for (const match of markdown.matchAll(fence)) {
    found.push({
      expectation: match[2] as Example['expectation'],
      rule: match[3],
      file: match[4] ?? `example.${match[1]}`,
      code: match[5]!,
      line: markdown.slice(0, match.index).split('\n').length,
    });
  }
  return found;
}

const doc = readFileSync(path.resolve(__dirname, '../../../docs/checks/secret.md'), 'utf8');
const docExamples = examples(doc);

describe('docs/checks/secret.md examples', () => {
  it('has flagged and clean examples', () => {
    expect(docExamples.filter((e) => e.expectation === 'flagged').length).toBeGreaterThanOrEqual(3);
    expect(docExamples.filter((e) => e.expectation === 'clean').length).toBeGreaterThanOrEqual(2);
  });

  it.each(docExamples.map((e) => [`line ${e.line}: ${e.expectation} ${e.rule ?? ''}`, e] as const))('%s', (_, example) => {
    const rules = scanSecrets(example.code, example.file).map((finding) => finding.rule);
    if (example.expectation === 'clean') expect(rules).toEqual([]);
    else expect(rules).toContain(example.rule);
  });
});
