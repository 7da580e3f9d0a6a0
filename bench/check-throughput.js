#!/usr/bin/env node
// Throughput of `check` with all five checks on real code: this project's node_modules and npm's own
// installation (about 2,000 JavaScript files together). Files are passed by name, as a pre-commit hook does,
// since folder discovery skips node_modules. Not a test; figures depend on the machine and its load.
// Each set is checked on this thread (`checkFiles`) and on worker threads (`checkFilesInParallel`, --jobs, default
// one per core), every run in a fresh process as the CLI runs (cold JIT, checker loaded before the clock starts);
// CPU seconds are the whole process's, worker threads included.
// `--verify` instead checks the rules' scope-free mayReport filters on these files: the findings with them must
// equal the findings with every rule's mayReport left out (every file traversed by every rule; slow).
// Run `npm run build` first. Usage: node bench/check-throughput.js [--write] [--runs N] [--jobs N] [--verify] [folder...]
'use strict';
const { execFileSync } = require('node:child_process');
const { readdirSync, statSync, writeFileSync } = require('node:fs');
const { availableParallelism, cpus, loadavg } = require('node:os');
const { dirname, join, resolve } = require('node:path');
const { parseArgs } = require('node:util');
const { checkFiles, checkFilesInParallel } = require('../dist/src/analysis');
const { astRulesOf, CHECK_NAMES } = require('../dist/src/analysis/rules');

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

/** The findings of `folders` on this thread, with every rule's mayReport left out when `unfiltered`: the `--findings` mode. */
function findingsChild(folders, unfiltered) {
  if (unfiltered) for (const rule of astRulesOf(CHECK_NAMES)) delete rule.mayReport;
  const { findings } = checkFiles(folders.flatMap((folder) => jsFiles(folder)), { cwd: '/' });
  console.log(JSON.stringify(findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.rule} ${f.message}`)));
}

/** Runs `--findings` with and without the mayReport filters and compares. */
function verify(folders) {
  const run = (unfiltered) =>
    JSON.parse(execFileSync(process.execPath, [__filename, '--findings', ...(unfiltered ? ['--unfiltered'] : []), ...folders], { encoding: 'utf8', maxBuffer: 1 << 26 }));
  const filtered = run(false);
  const unfiltered = run(true);
  const missing = unfiltered.filter((finding) => !filtered.includes(finding));
  const extra = filtered.filter((finding) => !unfiltered.includes(finding));
  console.log(`${folders.join(', ')}: ${filtered.length} findings with the mayReport filters, ${unfiltered.length} without`);
  for (const finding of missing) console.log(`  only without the filters: ${finding}`);
  for (const finding of extra) console.log(`  only with the filters: ${finding}`);
  if (missing.length > 0 || extra.length > 0) process.exitCode = 1;
}

/** One check of `folders` with `jobs` threads, in this (fresh) process: the `--child` mode. */
async function child(folders, jobs) {
  const files = folders.flatMap((folder) => jsFiles(folder));
  const started = process.hrtime.bigint();
  const cpuStarted = process.cpuUsage();
  const result = jobs === 1 ? checkFiles(files, { cwd: '/' }) : await checkFilesInParallel(files, { cwd: '/' }, jobs);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStarted);
  const { summary } = result;
  const counts = { findings: summary.findings, secretsOnly: summary.secretsOnly.length, skipped: summary.filesSkipped, parseErrors: summary.parseErrors.length };
  console.log(JSON.stringify({ seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, ...counts }));
}

function measure(label, folders, runs, jobs) {
  const files = folders.flatMap((folder) => jsFiles(folder));
  const bytes = files.reduce((sum, file) => sum + statSync(file).size, 0);
  let best = null;
  for (let i = 0; i < runs; i++) {
    const output = execFileSync(process.execPath, [__filename, '--child', '--jobs', String(jobs), ...folders], { encoding: 'utf8', maxBuffer: 1 << 24 });
    const run = JSON.parse(output);
    if (!best || run.seconds < best.seconds) best = run;
  }
  return {
    ...best,
    label,
    threads: jobs === 1 ? 'this thread' : `${jobs} workers`,
    files: files.length,
    megabytes: bytes / 1e6,
    filesPerSecond: files.length / best.seconds,
    filesPerCpuSecond: files.length / best.cpuSeconds,
    megabytesPerSecond: bytes / 1e6 / best.seconds,
  };
}

function table(rows) {
  const lines = [
    '| files from | threads | files | MB | wall s | files/s | MB/s | CPU s | files per CPU s | findings | secrets only | skipped | unparsable |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.label} | ${r.threads} | ${r.files} | ${r.megabytes.toFixed(1)} | ${r.seconds.toFixed(2)} | ${r.filesPerSecond.toFixed(0)} | ${r.megabytesPerSecond.toFixed(2)} | ` +
        `${r.cpuSeconds.toFixed(2)} | ${r.filesPerCpuSecond.toFixed(0)} | ${r.findings} | ${r.secretsOnly} | ${r.skipped} | ${r.parseErrors} |`,
    );
  }
  return lines.join('\n');
}

async function main() {
  const options = {
    write: { type: 'boolean' },
    runs: { type: 'string', default: '3' },
    jobs: { type: 'string', default: String(availableParallelism()) },
    child: { type: 'boolean' },
    verify: { type: 'boolean' },
    findings: { type: 'boolean' },
    unfiltered: { type: 'boolean' },
  };
  const { values, positionals } = parseArgs({ options, allowPositionals: true });
  const folders = positionals.length > 0 ? positionals.map((p) => resolve(p)) : defaultFolders();
  const runs = Number(values.runs);
  const jobs = Number(values.jobs);
  if (values.child) return child(folders, jobs);
  if (values.findings) return findingsChild(folders, values.unfiltered === true);
  if (values.verify) return verify(folders);
  const groups = folders.map((folder) => ({ label: folder, folders: [folder] }));
  if (groups.length > 1) groups.push({ label: 'all of the above', folders });
  const load = loadavg().map((l) => l.toFixed(1)).join(' ');
  const rows = [];
  for (const group of groups) {
    rows.push(measure(group.label, group.folders, runs, 1));
    if (jobs > 1) rows.push(measure(group.label, group.folders, runs, jobs));
  }
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const context = `Node ${process.version}, ${cpus().length} × ${cpu}, load average ${load} at start and ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end`;
  const report = [
    '# check throughput',
    '',
    `Measured ${new Date().toISOString()} with \`node bench/check-throughput.js\` (${runs} runs, best kept); ${context}.`,
    'All five checks (synthetic_data, secret, missing_governance_import, deceptive_import, fake_method_call), files',
    'passed by name, each run in a fresh process (as the CLI runs: cold JIT and caches; the checker is loaded before',
    'the clock starts, worker threads load it on the clock). "secrets only":',
    'files that looked generated or minified (over 256 KB, or over 250 characters a line on average), which get the',
    'secret check only; "skipped": binary or over 8 MB.',
    '',
    table(rows),
    '',
  ].join('\n');
  console.log(report);
  if (values.write) writeFileSync(resolve(__dirname, 'results', 'check-throughput.md'), report);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
