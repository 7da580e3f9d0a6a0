#!/usr/bin/env node
// Measures the synthetic_data check on the labelled randomness corpora (../shared/corpora/prng_*_cases.jsonl:
// eslint-plugin-sdl no-insecure-random and eslint-plugin-security detect-pseudoRandomBytes test cases).
// Each row's code is checked as a non-test source file (`src/case.ts` when the row used the TypeScript parser,
// else `src/case.js`) through the real engine (checkSource). Goal: every `invalid` row flagged, no `valid` row flagged.
// Also counts how many of the upstream expected error lines we report. Run `npm run build` first.
//
// Usage: node scripts/corpora/measure-randomness.js [--corpus DIR] [--json]
'use strict';
const { existsSync, readdirSync, readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { parseArgs } = require('node:util');
const { checkSource } = require(resolve(__dirname, '../../dist/src/analysis'));

const DEFAULT_CORPUS = resolve(__dirname, '../../../shared/corpora');

function loadRows(corpus) {
  return readdirSync(corpus)
    .filter((name) => /^prng_.*_cases\.jsonl$/.test(name))
    .sort()
    .flatMap((name) => readFileSync(join(corpus, name), 'utf8').split('\n').filter(Boolean).map((line) => ({ corpus: name, ...JSON.parse(line) })));
}

function fileFor(row) {
  return row.languageOptions?.parser === '@typescript-eslint/parser' ? 'src/case.ts' : 'src/case.js';
}

function measure(rows) {
  const outcome = { invalid: { total: 0, flagged: 0 }, valid: { total: 0, clean: 0 }, errorLines: { total: 0, reported: 0 }, disagreements: [] };
  for (const row of rows) {
    const findings = checkSource(fileFor(row), row.code, { cwd: '/project', checks: ['synthetic_data'] });
    const lines = new Set(findings.map((f) => f.line));
    if (row.label === 'invalid') {
      outcome.invalid.total++;
      if (findings.length > 0) outcome.invalid.flagged++;
      else outcome.disagreements.push({ label: row.label, code: row.code, findings: [] });
      for (const error of row.errors ?? []) {
        outcome.errorLines.total++;
        if (error.line === undefined || lines.has(error.line)) outcome.errorLines.reported++;
        else outcome.disagreements.push({ label: 'invalid (line)', code: row.code, missingLine: error.line });
      }
    } else {
      outcome.valid.total++;
      if (findings.length === 0) outcome.valid.clean++;
      else outcome.disagreements.push({ label: row.label, code: row.code, findings: findings.map((f) => `${f.line}:${f.column} ${f.rule}`) });
    }
  }
  return outcome;
}

function main() {
  const { values } = parseArgs({ options: { corpus: { type: 'string' }, json: { type: 'boolean' } } });
  const corpus = resolve(values.corpus ?? process.env.GOVERNANCE_CORPORA ?? DEFAULT_CORPUS);
  if (!existsSync(corpus)) {
    console.error(`measure-randomness: corpus folder not found: ${corpus} (pass --corpus DIR)`);
    process.exit(2);
  }
  const result = measure(loadRows(corpus));
  if (values.json) {
    console.log(JSON.stringify(result));
    return;
  }
  console.log('synthetic_data on the randomness corpora (eslint-plugin-sdl no-insecure-random, eslint-plugin-security detect-pseudoRandomBytes)');
  console.log(`  invalid rows flagged:      ${result.invalid.flagged}/${result.invalid.total}`);
  console.log(`  valid rows not flagged:    ${result.valid.clean}/${result.valid.total}`);
  console.log(`  expected error lines hit:  ${result.errorLines.reported}/${result.errorLines.total}`);
  for (const d of result.disagreements) console.log(`  disagreement (${d.label}): ${JSON.stringify(d.code)} ${JSON.stringify(d.findings ?? d.missingLine)}`);
}

main();
