#!/usr/bin/env node
// Measures the deceptive_import check against the labelled eslint-plugin-import `import/named` corpus
// (/work/shared/corpora/import_named_cases.jsonl + import_named_fixtures/). Each row's `code` is checked as the
// file `filename` inside the fixtures folder, through the engine's parser and one-pass rule runner with a fresh
// module index. Run `npm run build` first.
//
// Two figures are printed:
// - raw: a row is predicted invalid when the rule reports anything for it;
// - in label scope: findings the row's label does not judge are left out, namely unresolved-module findings
//   (eslint reports those under import/no-unresolved, not import/named), destructured-require findings in rows
//   whose eslint options leave the CommonJS check off (`commonjs: true` is not set), and findings about modules
//   whose resolved path matches the row's `import/ignore` setting.
// Every disagreement is listed with its findings.
//
// Usage: node scripts/corpora/measure-imports.js [--corpus DIR] [--json]
'use strict';
const { readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { parseArgs } = require('node:util');

const dist = resolve(__dirname, '../../dist/src/analysis');
const { parseSource } = require(join(dist, 'engine/parse'));
const { runAstRules } = require(join(dist, 'engine/run-ast-rules'));
const { createModuleIndex } = require(join(dist, 'modules'));
const { deceptiveImportRule } = require(join(dist, 'deceptive-import'));

function loadRows(corpus) {
  const text = readFileSync(join(corpus, 'import_named_cases.jsonl'), 'utf8');
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

function checksRequire(row) {
  return Array.isArray(row.options) && row.options.some((option) => option && option.commonjs === true);
}

function sourceOf(message) {
  const match = /'([^']+)'(?: from this file| has no default|\.| \(read)/.exec(message.replace(/^'[^']*' is not exported by /, ''));
  return match ? match[1] : null;
}

function inLabelScope(row, file, finding, modules) {
  if (finding.message.startsWith('Cannot resolve')) return false;
  const line = row.code.split('\n')[finding.line - 1] ?? '';
  if (!checksRequire(row) && /\brequire\s*\(/.test(line)) return false;
  const ignored = row.settings?.['import/ignore'] ?? [];
  const source = sourceOf(finding.message);
  const target = source === null ? null : modules.resolve(source, file);
  return !(typeof target === 'string' && ignored.some((pattern) => new RegExp(pattern).test(target)));
}

function checkRow(row, fixtures) {
  const file = join(fixtures, row.filename);
  let ast;
  try {
    ast = parseSource(row.code, file);
  } catch (error) {
    return { findings: [], scoped: [], parseError: error.message };
  }
  const modules = createModuleIndex({ cwd: fixtures });
  const run = { file, relativeFile: row.filename, code: row.code, ast, modules, settings: { exempt: [], requireImport: [] } };
  const findings = runAstRules([deceptiveImportRule], run);
  return { findings, scoped: findings.filter((finding) => inLabelScope(row, file, finding, modules)) };
}

function score(rows, outcomes, key) {
  const confusion = { valid: { valid: 0, invalid: 0 }, invalid: { valid: 0, invalid: 0 } };
  const disagreements = [];
  rows.forEach((row, index) => {
    const outcome = outcomes[index];
    const predicted = outcome[key].length > 0 ? 'invalid' : 'valid';
    confusion[row.label][predicted]++;
    if (predicted !== row.label) {
      disagreements.push({ index, label: row.label, predicted, code: row.code.trim(), settings: row.settings, options: row.options, findings: outcome.findings.map((f) => f.message), parseError: outcome.parseError });
    }
  });
  return { agreement: (confusion.valid.valid + confusion.invalid.invalid) / rows.length, confusion, disagreements };
}

function measure(corpus) {
  const rows = loadRows(corpus);
  const outcomes = rows.map((row) => checkRow(row, join(corpus, 'import_named_fixtures')));
  return { rows: rows.length, raw: score(rows, outcomes, 'findings'), inLabelScope: score(rows, outcomes, 'scoped') };
}

function printScore(title, result, rows) {
  const { confusion } = result;
  console.log(`${title}: agreement ${(result.agreement * 100).toFixed(2)}% of ${rows} rows`);
  console.log('                 predicted valid  predicted invalid');
  console.log(`label valid      ${String(confusion.valid.valid).padStart(15)}  ${String(confusion.valid.invalid).padStart(17)}`);
  console.log(`label invalid    ${String(confusion.invalid.valid).padStart(15)}  ${String(confusion.invalid.invalid).padStart(17)}`);
  console.log(`${result.disagreements.length} disagreements:`);
  for (const d of result.disagreements) {
    console.log(`  #${d.index} label ${d.label}, predicted ${d.predicted}: ${d.code.replace(/\s+/g, ' ')}`);
    if (d.settings) console.log(`      settings: ${JSON.stringify(d.settings)}`);
    if (d.options) console.log(`      options: ${JSON.stringify(d.options)}`);
    for (const message of d.findings) console.log(`      finding: ${message}`);
    if (d.parseError) console.log(`      parse error: ${d.parseError}`);
  }
  console.log('');
}

if (require.main === module) {
  const { values } = parseArgs({ options: { corpus: { type: 'string', default: '/work/shared/corpora' }, json: { type: 'boolean', default: false } } });
  const result = measure(resolve(values.corpus));
  if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    printScore('In label scope', result.inLabelScope, result.rows);
    printScore('Raw (every finding counts)', result.raw, result.rows);
  }
}

module.exports = { measure };
