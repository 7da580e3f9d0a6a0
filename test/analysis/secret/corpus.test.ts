import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scanSecrets } from '../../../src/analysis/secret/index';

// Runs the corpus measurement (scripts/corpora/measure-secrets.js) on the labelled gitleaks cases with the
// current source and holds the three targets, so a change that loses recall or adds false positives fails CI.

interface Measurement {
  recall: number;
  macroRecall: number;
  falsePositiveRate: number;
  counts: { tpRows: number; cleanFpRows: number; types: number };
}
interface MeasureModule {
  TARGETS: { recall: number; macroRecall: number; maxFalsePositiveRate: number };
  DEFAULT_CORPUS: string;
  loadRows(file: string): unknown[];
  measure(rows: unknown[], scan: typeof scanSecrets): Measurement;
}

// The measurement script is plain CommonJS so that it runs with `node` after a build.
const measurement = require(path.resolve(__dirname, '../../../scripts/corpora/measure-secrets.js')) as MeasureModule;
const corpus = process.env['SECRETS_CORPUS'] ?? measurement.DEFAULT_CORPUS;

describe.skipIf(!existsSync(corpus))(`secret corpus (${corpus})`, () => {
  // Measured in beforeAll: vitest still runs the body of a skipped describe to collect its tests.
  let result!: Measurement;
  beforeAll(() => {
    result = measurement.measure(measurement.loadRows(corpus), scanSecrets);
  });

  it('reads the whole corpus', () => {
    expect(result.counts.tpRows).toBeGreaterThan(5000);
    expect(result.counts.cleanFpRows).toBeGreaterThan(200);
    expect(result.counts.types).toBeGreaterThan(200);
  });

  it('meets the recall, macro recall and false-positive targets', () => {
    expect(result.recall).toBeGreaterThanOrEqual(measurement.TARGETS.recall);
    expect(result.macroRecall).toBeGreaterThanOrEqual(measurement.TARGETS.macroRecall);
    expect(result.falsePositiveRate).toBeLessThanOrEqual(measurement.TARGETS.maxFalsePositiveRate);
  });
});
