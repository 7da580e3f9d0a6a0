#!/usr/bin/env node
// Measures the secret check on the labelled gitleaks corpus (../shared/corpora/gitleaks_cases.jsonl).
// Uses the built checker: run `npm run build` first.
//
//   node scripts/corpora/measure-secrets.js [--corpus FILE] [--json]
//
// A `tp` row counts as detected when the check reports any finding in its text. The false-positive rate
// uses the `fp` rows without `other_rule_regex_match` (those hold a real secret of another type).
// Prints overall recall, recall macro-averaged per secret type, the false-positive rate and a per-type table
// (lowest recall first); exits 1 when a target is missed.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');

const TARGETS = { recall: 0.95, macroRecall: 0.9, maxFalsePositiveRate: 0.05 };
const DEFAULT_CORPUS = path.resolve(__dirname, '../../../shared/corpora/gitleaks_cases.jsonl');

function loadRows(file) {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      try {
        return JSON.parse(line);
      } catch (error) {
        throw new Error(`${file}:${i + 1}: not JSON: ${error.message}`);
      }
    });
}

function measure(rows, scanSecrets) {
  const types = new Map();
  const typeOf = (name) => {
    if (!types.has(name)) types.set(name, { type: name, tp: 0, detected: 0, cleanFp: 0, flagged: 0 });
    return types.get(name);
  };
  const missed = [];
  const falsePositives = [];
  for (const row of rows) {
    const flagged = scanSecrets(row.text, row.path ?? 'case.txt').length > 0;
    const stats = typeOf(row.rule);
    if (row.label === 'tp') {
      stats.tp++;
      if (flagged) stats.detected++;
      else missed.push(row);
    } else if (row.label === 'fp' && row.other_rule_regex_match === undefined) {
      stats.cleanFp++;
      if (flagged) {
        stats.flagged++;
        falsePositives.push(row);
      }
    }
  }
  const perType = [...types.values()].map((t) => ({ ...t, recall: t.tp === 0 ? null : t.detected / t.tp }));
  const withTp = perType.filter((t) => t.recall !== null);
  const tp = withTp.reduce((sum, t) => sum + t.tp, 0);
  const detected = withTp.reduce((sum, t) => sum + t.detected, 0);
  const cleanFp = perType.reduce((sum, t) => sum + t.cleanFp, 0);
  const flagged = perType.reduce((sum, t) => sum + t.flagged, 0);
  return {
    recall: detected / tp,
    macroRecall: withTp.reduce((sum, t) => sum + t.recall, 0) / withTp.length,
    falsePositiveRate: flagged / cleanFp,
    counts: { tpRows: tp, detected, types: withTp.length, cleanFpRows: cleanFp, flagged },
    perType: withTp.sort((a, b) => a.recall - b.recall || a.type.localeCompare(b.type)),
    missed,
    falsePositives,
  };
}

function targetsMet(result) {
  return (
    result.recall >= TARGETS.recall &&
    result.macroRecall >= TARGETS.macroRecall &&
    result.falsePositiveRate <= TARGETS.maxFalsePositiveRate
  );
}

function printText(result) {
  const pct = (x) => (x * 100).toFixed(1) + '%';
  const c = result.counts;
  console.log(`recall       ${result.recall.toFixed(4)}  (${c.detected}/${c.tpRows} tp rows; target >= ${TARGETS.recall})`);
  console.log(`macro recall ${result.macroRecall.toFixed(4)}  (${c.types} secret types; target >= ${TARGETS.macroRecall})`);
  console.log(`fp rate      ${result.falsePositiveRate.toFixed(4)}  (${c.flagged}/${c.cleanFpRows} clean fp rows flagged; target <= ${TARGETS.maxFalsePositiveRate})`);
  console.log('');
  console.log('type'.padEnd(48) + 'tp'.padStart(5) + 'found'.padStart(7) + 'recall'.padStart(8) + 'fp'.padStart(5) + 'flagged'.padStart(9));
  for (const t of result.perType) {
    console.log(t.type.padEnd(48) + String(t.tp).padStart(5) + String(t.detected).padStart(7) + pct(t.recall).padStart(8) + String(t.cleanFp).padStart(5) + String(t.flagged).padStart(9));
  }
  console.log('');
  console.log(targetsMet(result) ? 'all targets met' : 'TARGET MISSED');
}

function main() {
  const { values } = parseArgs({ options: { corpus: { type: 'string' }, json: { type: 'boolean' }, 'show-missed': { type: 'boolean' } } });
  const corpus = values.corpus ?? process.env.SECRETS_CORPUS ?? DEFAULT_CORPUS;
  if (!fs.existsSync(corpus)) {
    console.error(`measure-secrets: corpus not found: ${corpus} (pass --corpus FILE)`);
    process.exit(2);
  }
  const built = path.resolve(__dirname, '../../dist/src/analysis/secret/index.js');
  if (!fs.existsSync(built)) {
    console.error(`measure-secrets: ${built} not found; run \`npm run build\` first`);
    process.exit(2);
  }
  const { scanSecrets } = require(built);
  const result = measure(loadRows(corpus), scanSecrets);
  if (values.json) {
    const { missed, falsePositives, ...summary } = result;
    console.log(JSON.stringify({ ...summary, targets: TARGETS, targetsMet: targetsMet(result) }));
  } else {
    printText(result);
    if (values['show-missed']) {
      for (const row of result.missed) console.log(`MISSED ${row.rule}: ${JSON.stringify(row.text.slice(0, 200))}`);
      for (const row of result.falsePositives) console.log(`FLAGGED ${row.rule}: ${JSON.stringify(row.text.slice(0, 200))}`);
    }
  }
  process.exit(targetsMet(result) ? 0 : 1);
}

if (require.main === module) main();

module.exports = { TARGETS, DEFAULT_CORPUS, loadRows, measure, targetsMet };
