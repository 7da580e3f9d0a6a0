#!/usr/bin/env node
// Throughput of `check` with all five checks on real code: this project's node_modules and npm's own
// installation (about 2,000 JavaScript files together). Files are passed by name, as a pre-commit hook does,
// since folder discovery skips node_modules. Not a test; figures depend on the machine and its load.
// Run `npm run build` first. Usage: node bench/check-throughput.js [--write] [--runs N] [folder...]
'use strict';
const { readdirSync, statSync, writeFileSync } = require('node:fs');
const { cpus, loadavg } = require('node:os');
const { dirname, join, resolve } = require('node:path');
const { parseArgs } = require('node:util');
const { checkFiles } = require('../dist/src/analysis');

const JS = /\.(?:[cm]?js)$/;

function jsFiles(dir, into = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) jsFiles(path, into);
    else if (entry.isFile() && JS.test(entry.name)) into.push(path);
  }
  return into;
}

function defaultFolders() {
  const npmDir = resolve(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm');
  return [resolve(__dirname, '..', 'node_modules'), npmDir];
}

function measure(label, files, runs) {
  const bytes = files.reduce((sum, file) => sum + statSync(file).size, 0);
  let best = null;
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const cpuStarted = process.cpuUsage();
    const result = checkFiles(files, { cwd: '/' });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpuStarted);
    if (!best || seconds < best.seconds) best = { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, result };
  }
  const { summary } = best.result;
  return {
    label,
    files: files.length,
    scanned: summary.filesScanned,
    megabytes: bytes / 1e6,
    seconds: best.seconds,
    cpuSeconds: best.cpuSeconds,
    filesPerSecond: files.length / best.seconds,
    filesPerCpuSecond: files.length / best.cpuSeconds,
    megabytesPerSecond: bytes / 1e6 / best.seconds,
    findings: summary.findings,
    parseErrors: summary.parseErrors.length,
  };
}

function table(rows) {
  const lines = [
    '| files from | files | MB | wall s | files/s | MB/s | CPU s | files per CPU s | findings | unparsable |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.label} | ${r.files} | ${r.megabytes.toFixed(1)} | ${r.seconds.toFixed(2)} | ${r.filesPerSecond.toFixed(0)} | ${r.megabytesPerSecond.toFixed(2)} | ` +
        `${r.cpuSeconds.toFixed(2)} | ${r.filesPerCpuSecond.toFixed(0)} | ${r.findings} | ${r.parseErrors} |`,
    );
  }
  return lines.join('\n');
}

function main() {
  const { values, positionals } = parseArgs({ options: { write: { type: 'boolean' }, runs: { type: 'string', default: '3' } }, allowPositionals: true });
  const folders = positionals.length > 0 ? positionals.map((p) => resolve(p)) : defaultFolders();
  const runs = Number(values.runs);
  const groups = folders.map((folder) => ({ label: folder, files: jsFiles(folder) }));
  const rows = groups.map((g) => measure(g.label, g.files, runs));
  if (groups.length > 1) rows.push(measure('all of the above', groups.flatMap((g) => g.files), runs));
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const context = `Node ${process.version}, ${cpus().length} × ${cpu}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at start`;
  const report = [
    '# check throughput',
    '',
    `Measured ${new Date().toISOString()} with \`node bench/check-throughput.js\` (${runs} runs, best kept); ${context}.`,
    'All five checks (synthetic_data, secret, missing_governance_import, deceptive_import, fake_method_call), files',
    'passed by name, one process, cold parse cache per run except for files with identical content.',
    '',
    table(rows),
    '',
  ].join('\n');
  console.log(report);
  if (values.write) writeFileSync(resolve(__dirname, 'results', 'check-throughput.md'), report);
}

main();
