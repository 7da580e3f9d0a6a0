// Benchmark: full verification of a large log, incremental verification from a trusted checkpoint, and
// inclusion / consistency proof generation. Usage: node bench/audit-verify.js [entries]  (after `npm run build`)
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { openAuditWriter, openAuditReader, verifyInclusion, verifyConsistency } = require('../dist/src/audit/index.js');

const n = Number(process.argv[2] ?? 1_000_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-verify-bench-'));
const dbPath = path.join(dir, 'audit.db');
const pub = path.join(dir, 'keys', 'log-signing.pub.pem');

function timed(fn) {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const value = fn();
  const used = process.cpuUsage(cpu);
  return { value, seconds: Number(process.hrtime.bigint() - start) / 1e9, cpuSeconds: (used.user + used.system) / 1e6 };
}

const write = timed(() => {
  const w = openAuditWriter({ dbPath, keyDir: path.join(dir, 'keys'), checkpointEvery: 10_000 });
  const base = { pid: 1234, actor: 'trainer', decision: 'allow', ruleId: 'data', level: 'production', reason: 'rule data allows', caller: '/app/train.js:42', violation: null };
  for (let i = 0; i < n; i++) w.append({ ...base, ts: Date.now(), action: i % 3 ? 'file_read' : 'file_write', target: `/data/shards/part-${i % 5000}.parquet` });
  w.close();
});

const reader = openAuditReader(dbPath);
const checkpoints = reader.checkpoints();
const full = timed(() => reader.verify({ trustedKeys: [pub] }));
const since = checkpoints[Math.floor(checkpoints.length * 0.9)];
const sinceSize = JSON.parse(since.body).size;
const incremental = timed(() => reader.verify({ trustedKeys: [pub], since }));

const hex = (h) => Buffer.from(h, 'hex');
function proofTimes(make, check, count) {
  const times = [];
  let ok = true;
  for (let i = 0; i < count; i++) {
    const t = process.hrtime.bigint();
    const p = make(i);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
    ok = ok && check(p);
  }
  times.sort((a, b) => a - b);
  return { count, medianMs: +times[count >> 1].toFixed(3), p99Ms: +times[Math.floor(count * 0.99)].toFixed(3), maxMs: +times[count - 1].toFixed(3), allVerified: ok };
}
const rnd = (max) => 1 + Math.floor(Math.random() * max);
const inclusion = proofTimes(() => reader.getInclusionProof(rnd(n)), (p) => verifyInclusion(p.leafIndex, p.treeSize, hex(p.leafHash), p.path.map(hex), hex(p.root)), 1000);
const consistency = proofTimes(() => reader.getConsistencyProof(rnd(n - 1), n), (p) => verifyConsistency(p.oldSize, p.newSize, hex(p.oldRoot), hex(p.newRoot), p.path.map(hex)), 1000);
reader.close();

const fmt = (t, count) => ({ seconds: +t.seconds.toFixed(3), cpuSeconds: +t.cpuSeconds.toFixed(3), perSecond: Math.round(count / t.seconds), perCpuSecond: Math.round(count / t.cpuSeconds) });
console.log(JSON.stringify({
  node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0].model, loadavg: os.loadavg().map((l) => +l.toFixed(2)),
  entries: n, dbBytes: fs.statSync(dbPath).size, checkpoints: checkpoints.length,
  write: fmt(write, n),
  fullVerify: { valid: full.value.valid, issues: full.value.issues.length, ...fmt(full, n) },
  incrementalVerify: { since: sinceSize, newEntries: n - sinceSize, valid: incremental.value.valid, ...fmt(incremental, n - sinceSize) },
  inclusion, consistency,
}, null, 2));
fs.rmSync(dir, { recursive: true, force: true });
