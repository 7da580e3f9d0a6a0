#!/usr/bin/env node
// Added cost per allowed fs.statSync, per 1 KB fs.readFileSync and per 1 KB fs.writeSync to a descriptor the
// program opened, under governance (production level,
// audit log on), against plain node and against Node's own permission model with a path list, all in
// the same run. Each configuration runs in its own process; rounds alternate between configurations
// so drift hits them alike. Reports the median per-call time.
//
//   node bench/fs-overhead.js [--calls 2000] [--batches 150] [--rounds 3] [--pause 20] [--write]
//
// Two workloads: a tight loop (batches back to back) and bursts (a pause after each batch, off the clock).
//
// --write adds the table as the newest section of bench/results/fs-overhead.md. Needs `npm run build` first.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');

const repo = path.resolve(__dirname, '..');
const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '2000' },
    batches: { type: 'string', default: '150' },
    rounds: { type: 'string', default: '3' },
    pause: { type: 'string', default: '20' },
    write: { type: 'boolean', default: false },
  },
});

// Measures in the child: per-call nanoseconds, median over batches, after a warm-up.
const INNER = `
const fs = require('node:fs');
const [file, calls, batches, pauseMs] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5])];
const sleeper = new Int32Array(new SharedArrayBuffer(4));
function median(fn) {
  for (let i = 0; i < calls * 5; i++) fn();
  const perCall = [];
  for (let b = 0; b < batches; b++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) fn();
    perCall.push(Number(process.hrtime.bigint() - start) / calls);
    if (pauseMs > 0) Atomics.wait(sleeper, 0, 0, pauseMs); // the rest of a pipeline's work, off the clock
  }
  perCall.sort((x, y) => x - y);
  return perCall[perCall.length >> 1];
}
const stat = median(() => fs.statSync(file));
const read = median(() => fs.readFileSync(file));
const out = fs.openSync(file + '.out', 'r+');
const block = Buffer.alloc(1024, 1);
const write = median(() => fs.writeSync(out, block, 0, 1024, 0));
process.stdout.write(JSON.stringify({ stat, read, write }));
`;

// The same hooks and kernel decision, with no audit writer: separates the hooks' cost from the log's.
const HOOKS_ONLY = `
const { join } = require('node:path');
const dist = join(${JSON.stringify(path.join(repo, 'dist', 'src'))});
const { startKernel } = require(join(dist, 'kernel', 'gate.js'));
const { RuleSet } = require(join(dist, 'rules', 'match.js'));
const { installHooks } = require(join(dist, 'hooks', 'index.js'));
const rules = new RuleSet([{ id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' }, { id: 'out', action: 'file_write', target: '**/data.bin.out', effect: 'allow' }], 'deny');
startKernel({ rules, level: 'production', actor: 'bench', writer: null, onInternalError: (error) => { throw error; } });
installHooks();
`;

function setUp() {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fs-overhead-')));
  fs.mkdirSync(path.join(dir, 'node_modules', '@mltrainer'), { recursive: true });
  fs.symlinkSync(repo, path.join(dir, 'node_modules', '@mltrainer', 'governance'), 'dir');
  fs.writeFileSync(path.join(dir, 'inner.js'), INNER);
  fs.writeFileSync(path.join(dir, 'hooks-only.js'), HOOKS_ONLY);
  fs.writeFileSync(path.join(dir, 'data.bin'), Buffer.alloc(1024, 7));
  fs.writeFileSync(path.join(dir, 'data.bin.out'), Buffer.alloc(1024, 0));
  fs.writeFileSync(path.join(dir, 'governance.config.json'), JSON.stringify({
    level: 'production',
    default: 'deny',
    stateDir: '.governance',
    rules: [
      { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
      { id: 'out', action: 'file_write', target: path.join(dir, 'data.bin.out'), effect: 'allow' },
    ],
  }));
  return dir;
}

function permissionFlag() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  return major > 23 || (major === 23 && minor >= 5) ? '--permission' : '--experimental-permission';
}

function configurations(dir) {
  const file = path.join(dir, 'data.bin');
  return {
    plain: { args: [], file },
    governed: { args: ['--require', '@mltrainer/governance'], file },
    hooksOnly: { args: ['--require', './hooks-only.js'], file },
    permission: { args: [permissionFlag(), `--allow-fs-read=${path.join(dir, 'inner.js')}`, `--allow-fs-read=${file}`, `--allow-fs-read=${file}.out`, `--allow-fs-write=${file}.out`], file },
  };
}

function measure(dir, config, pauseMs) {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const result = spawnSync(process.execPath, [...config.args, 'inner.js', config.file, values.calls, values.batches, String(pauseMs)], {
    cwd: dir, env, encoding: 'utf8', timeout: 600_000,
  });
  if (result.status !== 0) throw new Error(`measurement failed (${config.args.join(' ')}):\n${result.stderr}`);
  return JSON.parse(result.stdout);
}

function median(list) {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

function main() {
  const dir = setUp();
  const configs = configurations(dir);
  const pauses = [0, Number(values.pause)];
  const samples = pauses.map(() => ({ plain: [], governed: [], hooksOnly: [], permission: [] }));
  for (let round = 0; round < Number(values.rounds); round++) {
    pauses.forEach((pause, i) => {
      for (const name of Object.keys(configs)) samples[i][name].push(measure(dir, configs[name], pause));
    });
  }
  const us = (ns) => (ns / 1000).toFixed(2);
  const lines = [
    `Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0].model}, ${os.platform()} ${os.release()}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} at the end; ` +
      `${values.rounds} rounds x ${values.batches} batches x ${values.calls} calls; median per call.`,
    'Governed: `node --require @mltrainer/governance`, production level, allow rule for reads, audit log on (every allowed call is recorded).',
    `Permission model: \`${permissionFlag()} --allow-fs-read=<inner.js> --allow-fs-read=<data file> --allow-fs-read/--allow-fs-write=<output file>\`.`,
    '',
    'Hooks only: the same hooks and kernel decision with no audit writer (a bench preload), to separate the hooks\' cost from the audit log\'s.',
    '',
    `Tight loop: batches back to back, so the audit writer thread must keep pace and its throughput bounds the loop. Bursts: a pause of ${values.pause} ms after each batch (a pipeline doing other work between its fs calls), off the clock; this shows the cost on the calling thread.`,
  ];
  pauses.forEach((pause, i) => {
    const row = (name, op) => median(samples[i][name].map((s) => s[op]));
    lines.push('', `**${pause === 0 ? 'Tight loop' : `Bursts of ${values.calls} calls, ${pause} ms pauses`}**`, '',
      '| operation | plain node (µs) | governed, audit on (µs) | added by governance (µs) | hooks only, no audit (µs) | added by hooks (µs) | permission model (µs) | added by permission model (µs) |',
      '|---|---|---|---|---|---|---|---|');
    for (const [op, label] of [['stat', '`fs.statSync`'], ['read', '`fs.readFileSync` 1 KB'], ['write', '`fs.writeSync` 1 KB, own descriptor']]) {
      const plain = row('plain', op);
      const governed = row('governed', op);
      const hooksOnly = row('hooksOnly', op);
      const permission = row('permission', op);
      lines.push(`| ${label} | ${us(plain)} | ${us(governed)} | ${us(governed - plain)} | ${us(hooksOnly)} | ${us(hooksOnly - plain)} | ${us(permission)} | ${us(permission - plain)} |`);
    }
  });
  const entries = countAuditEntries(path.join(dir, '.governance', 'audit.db'));
  lines.push('', `Audit entries written by the governed runs: ${entries}.`);
  const table = lines.join('\n');
  process.stdout.write(table + '\n');
  if (values.write) {
    const out = path.join(repo, 'bench', 'results', 'fs-overhead.md');
    // The file is a record of runs, newest first: the new section goes under the title, the rest stays.
    const title = '# fs overhead\n\n';
    const earlier = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : title;
    const rest = earlier.startsWith(title) ? earlier.slice(title.length) : earlier;
    fs.writeFileSync(out, `${title}## ${new Date().toISOString()}: \`node bench/fs-overhead.js --write\`\n\n${table}\n\n${rest}`);
    process.stdout.write(`written to ${path.relative(repo, out)}\n`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

function countAuditEntries(dbPath) {
  if (!fs.existsSync(dbPath)) return 0;
  const Database = require(path.join(repo, 'dist', 'src', 'audit', 'sqlite.js')).default;
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare('SELECT count(*) AS n FROM entries').get().n;
  } finally {
    db.close();
  }
}

main();
