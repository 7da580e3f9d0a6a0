// Agreement with the labelled eslint-plugin-import `import/named` corpus (see scripts/corpora/measure-imports.js,
// which runs the built checker from dist/: `npm run build` first, as `npm test` does).
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const CORPUS = '/work/shared/corpora';
const MEASURE = '../../../scripts/corpora/measure-imports.js';

interface Score {
  agreement: number;
  disagreements: Array<{ index: number }>;
}

/** Rows where the checker knowingly differs from the label, and why (docs/checks/deceptive-import.md). */
const KNOWN_DISAGREEMENTS: Readonly<Record<number, string>> = {
  11: "export * from a CommonJS module: Node exposes only the names cjs-module-lexer finds (a, b, d); eslint ignores CommonJS",
  17: "import { foo } from 'crypto': the real built-in has no foo; eslint does not check built-ins",
  18: "import { zoob } from 'a' (CommonJS exports.foo): Node would throw; eslint ignores CommonJS",
  88: 'export v from (exportDefaultFrom syntax): the engine parser does not enable that Babel plugin',
  96: 'redux is not installed under the fixtures folder, so the module cannot be resolved here',
  97: 'redux is not installed under the fixtures folder, so the module cannot be resolved here',
};

describe.skipIf(!existsSync(`${CORPUS}/import_named_cases.jsonl`))('import/named corpus', () => {
  const { measure } = require(MEASURE) as { measure(corpus: string): { rows: number; raw: Score; inLabelScope: Score } };
  const result = measure(CORPUS);

  it('agrees with at least 95% of the labels on what they judge', () => {
    expect(result.rows).toBe(145);
    expect(result.inLabelScope.agreement).toBeGreaterThanOrEqual(0.95);
  });

  it('differs only on the documented rows', () => {
    const unexplained = result.inLabelScope.disagreements.filter((row) => !(row.index in KNOWN_DISAGREEMENTS));
    expect(unexplained).toEqual([]);
  });
});
