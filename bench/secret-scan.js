#!/usr/bin/env node
// Throughput of the secret check on realistic source text: the .js files of this repository's
// node_modules, scanned one file at a time on one core. Run `npm run build` first.
//
//   node bench/secret-scan.js [--limit-mb N] [--rounds N]
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');
const { parseArgs } = require('node:util');

const root = path.resolve(__dirname, '..');
const { scanSecrets } = require(path.join(root, 'dist/src/analysis/secret/index.js'));

function collectJsFiles(dir, files, budget) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (budget.bytes <= 0) return;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) collectJsFiles(full, files, budget);
    else if (entry.isFile() && entry.name.endsWith('.js')) {
      const text = fs.readFileSync(full, 'utf8');
      files.push({ file: path.relative(root, full), text });
      budget.bytes -= Buffer.byteLength(text);
    }
  }
}

function main() {
  const { values } = parseArgs({ options: { 'limit-mb': { type: 'string', default: '64' }, rounds: { type: 'string', default: '3' } } });
  const files = [];
  collectJsFiles(path.join(root, 'node_modules'), files, { bytes: Number(values['limit-mb']) * 1024 * 1024 });
  const bytes = files.reduce((sum, f) => sum + Buffer.byteLength(f.text), 0);
  const rounds = Number(values.rounds);
  let best = Infinity;
  let findings = 0;
  for (let round = 0; round < rounds; round++) {
    findings = 0;
    const started = process.hrtime.bigint();
    for (const { text, file } of files) findings += scanSecrets(text, file).length;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    best = Math.min(best, seconds);
  }
  const mbPerSecond = bytes / 1024 / 1024 / best;
  console.log(JSON.stringify({
    date: new Date().toISOString(),
    node: process.version,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    files: files.length,
    megabytes: +(bytes / 1024 / 1024).toFixed(1),
    bestSeconds: +best.toFixed(3),
    mbPerSecond: +mbPerSecond.toFixed(1),
    findings,
  }));
}

main();
