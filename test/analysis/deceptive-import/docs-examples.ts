// Runs the examples of a docs/checks/*.md page: under each `###` heading, fenced blocks whose info string
// has `path=FILE` are written to a scratch folder; blocks also marked `check` are checked, and the lines that
// carry `// ← flagged` must be exactly the lines reported.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkFiles } from '../../../src/analysis';
import type { AstRule } from '../../../src/analysis/types';

interface Block {
  path: string;
  check: boolean;
  code: string;
}

const FENCE = /^```\w*\s+([^\n]*)\n([\s\S]*?)^```$/gm;
const MARKER = '// ← flagged';

function examplesOf(markdown: string): Map<string, Block[]> {
  const examples = new Map<string, Block[]>();
  for (const section of markdown.split(/^### /m).slice(1)) {
    const title = section.slice(0, section.indexOf('\n')).trim();
    const blocks: Block[] = [];
    for (const [, info = '', code = ''] of section.matchAll(FENCE)) {
      const path = /(?:^|\s)path=(\S+)/.exec(info)?.[1];
      if (path) blocks.push({ path, check: /(?:^|\s)check(?:\s|$)/.test(info), code });
    }
    if (blocks.length > 0) examples.set(title, blocks);
  }
  return examples;
}

function flaggedLines(code: string): number[] {
  return code.split('\n').flatMap((line, index) => (line.includes(MARKER) ? [index + 1] : []));
}

export function runDocExamples(docPath: string, rule: AstRule): void {
  const examples = examplesOf(readFileSync(docPath, 'utf8'));
  const root = mkdtempSync(join(tmpdir(), 'doc-examples-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  describe(`${docPath} examples`, () => {
    it('has examples with checked files', () => {
      expect([...examples.values()].flat().filter((block) => block.check).length).toBeGreaterThan(0);
    });
    for (const [title, blocks] of examples) {
      it(title, () => {
        const dir = mkdtempSync(join(root, 'example-'));
        for (const block of blocks) {
          mkdirSync(dirname(join(dir, block.path)), { recursive: true });
          writeFileSync(join(dir, block.path), block.code);
        }
        for (const block of blocks.filter((candidate) => candidate.check)) {
          const result = checkFiles([block.path], { cwd: dir, checks: [rule.meta.check] });
          const lines = result.findings.filter((finding) => finding.rule === rule.meta.id).map((finding) => finding.line);
          expect({ file: block.path, lines }).toEqual({ file: block.path, lines: flaggedLines(block.code) });
        }
      });
    }
  });
}
