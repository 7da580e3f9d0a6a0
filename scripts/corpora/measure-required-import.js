#!/usr/bin/env node
// Measures missing_governance_import against eslint-plugin-file-contains `every-file-imports` test cases
// (../shared/corpora/required_import_every_file_imports_cases.jsonl). Each row's options `{glob: module}` become
// required imports and its code is checked as `filename` through the real engine (checkSource).
// A row agrees when: label `invalid` and we report a finding or refuse the options (the upstream rule reports
// "No rules provided" for empty options; we throw a CheckError), or label `valid` and we report nothing.
// Run `npm run build` first.
//
// Usage: node scripts/corpora/measure-required-import.js [--corpus DIR] [--json]
'use strict';
const { existsSync, readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { parseArgs } = require('node:util');
const { checkSource, CheckError } = require(resolve(__dirname, '../../dist/src/analysis'));

const DEFAULT_CORPUS = resolve(__dirname, '../../../shared/corpora');
const FILE = 'required_import_every_file_imports_cases.jsonl';

function requiredImports(row) {
  return (row.options ?? []).flatMap((option) => Object.entries(option ?? {}).map(([glob, module]) => ({ glob, module })));
}

function ourVerdict(row) {
  try {
    const findings = checkSource(row.filename, row.code, { cwd: '/project', checks: ['missing_governance_import'], settings: { requireImport: requiredImports(row) } });
    return { invalid: findings.length > 0, detail: findings.map((f) => f.message).join('; ') || 'no finding' };
  } catch (error) {
    if (error instanceof CheckError) return { invalid: true, detail: `refused: ${error.message}` };
    throw error;
  }
}

function measure(rows) {
  const result = { total: rows.length, agree: 0, invalid: { total: 0, agree: 0 }, valid: { total: 0, agree: 0 }, disagreements: [] };
  for (const row of rows) {
    const verdict = ourVerdict(row);
    const expectedInvalid = row.label === 'invalid';
    const bucket = expectedInvalid ? result.invalid : result.valid;
    bucket.total++;
    if (verdict.invalid === expectedInvalid) {
      result.agree++;
      bucket.agree++;
    } else {
      result.disagreements.push({ label: row.label, options: row.options, filename: row.filename, upstream: row.errors?.[0]?.message ?? null, ours: verdict.detail });
    }
  }
  return result;
}

function main() {
  const { values } = parseArgs({ options: { corpus: { type: 'string' }, json: { type: 'boolean' } } });
  const corpus = resolve(values.corpus ?? process.env.GOVERNANCE_CORPORA ?? DEFAULT_CORPUS);
  if (!existsSync(join(corpus, FILE))) {
    console.error(`measure-required-import: ${FILE} not found in ${corpus} (pass --corpus DIR)`);
    process.exit(2);
  }
  const rows = readFileSync(join(corpus, FILE), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
  const result = measure(rows);
  if (values.json) {
    console.log(JSON.stringify(result));
    return;
  }
  console.log('missing_governance_import on eslint-plugin-file-contains every-file-imports cases');
  console.log(`  agreement:         ${result.agree}/${result.total}`);
  console.log(`  invalid rows:      ${result.invalid.agree}/${result.invalid.total}`);
  console.log(`  valid rows:        ${result.valid.agree}/${result.valid.total}`);
  for (const d of result.disagreements) console.log(`  disagreement (${d.label}, options ${JSON.stringify(d.options)}): upstream "${d.upstream}"; ours: ${d.ours}`);
}

main();
