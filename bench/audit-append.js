// Benchmark: audit appends in group and strict mode (checkpoints included), and the cost of append() itself.
// Usage: node bench/audit-append.js [groupEntries] [strictEntries]   (after `npm run build`)
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { openAuditWriter, openAuditReader } = require('../dist/src/audit/index.js');

const groupEntries = Number(process.argv[2] ?? 200_000);
const strictEntries = Number(process.argv[3] ?? 20_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-bench-'));

function entry(i) {
  return { ts: Date.now(), pid: process.pid, actor: 'trainer', action: i % 3 ? 'file_read' : 'file_write', target: `/data/shards/part-${i % 5000}.parquet`, decision: 'allow', ruleId: 'data', level: 'production', reason: 'rule data allows', caller: '/app/train.js:42', violation: null };
}

function run(mode, n) {
  const dbPath = path.join(dir, `${mode}.db`);
  const w = openAuditWriter({ dbPath, keyDir: path.join(dir, 'keys'), durability: mode });
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  for (let i = 0; i < n; i++) w.append(entry(i));
  w.close();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  const reader = openAuditReader(dbPath);
  const checkpoints = reader.checkpoints().length;
  const valid = reader.verify({ trustedKeys: [path.join(dir, 'keys', 'log-signing.pub.pem')] }).valid;
  reader.close();
  // perCpuSecond: entries per second of this process's CPU time, which the other load on a shared machine does not inflate.
  return { mode, entries: n, seconds: +seconds.toFixed(3), perSecond: Math.round(n / seconds), cpuSeconds: +cpuSeconds.toFixed(3), perCpuSecond: Math.round(n / cpuSeconds), checkpoints, valid };
}

/** append() alone: queueing only; commits happen when the queue reaches its threshold (counted in), so this is the amortised per-call cost. */
function appendCost(n) {
  const w = openAuditWriter({ dbPath: path.join(dir, 'cost.db'), keyDir: path.join(dir, 'keys') });
  const entries = Array.from({ length: 1000 }, (_, i) => entry(i));
  let queueOnly = 0;
  for (let round = 0; round < n / 1000; round++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < 1000; i++) w.append(entries[i]);
    queueOnly += Number(process.hrtime.bigint() - t);
    w.flush();
  }
  w.close();
  return { appendCallMicroseconds: +(queueOnly / n / 1000).toFixed(3) };
}

openAuditWriter({ dbPath: path.join(dir, 'warm.db'), keyDir: path.join(dir, 'keys') }).close();
const results = [run('group', groupEntries), run('strict', strictEntries), appendCost(100_000)];
console.log(JSON.stringify({ node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0].model, loadavg: os.loadavg().map((l) => +l.toFixed(2)), results }, null, 2));
fs.rmSync(dir, { recursive: true, force: true });
