// Benchmark: full verification of a large log (one thread and the default threads), incremental verification
// from a trusted checkpoint, inclusion / consistency proofs, redaction (retention) and key rotation.
// Usage: node bench/audit-verify.js [entries]  (after `npm run build`)
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { openAuditWriter, openAuditReader, verifyInclusion, verifyConsistency } = require('../dist/src/audit/index.js');
const { redactEntries } = require('../dist/src/audit/redact.js');
const { rotateSigningKey } = require('../dist/src/audit/key-rotation.js');

const n = Number(process.argv[2] ?? 1_000_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-verify-bench-'));
const dbPath = path.join(dir, 'audit.db');
const keyDir = path.join(dir, 'keys');
const pub = path.join(keyDir, 'log-signing.pub.pem');

/** Wall and CPU time (process.cpuUsage: all threads of this process) and the load average over the run. */
function timed(fn) {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const value = fn();
  const used = process.cpuUsage(cpu);
  return { value, seconds: Number(process.hrtime.bigint() - start) / 1e9, cpuSeconds: (used.user + used.system) / 1e6, loadavg1: +os.loadavg()[0].toFixed(2) };
}
const fmt = (t, count) => ({ seconds: +t.seconds.toFixed(3), cpuSeconds: +t.cpuSeconds.toFixed(3), perSecond: Math.round(count / t.seconds), perCpuSecond: Math.round(count / t.cpuSeconds), loadavg1: t.loadavg1 });

const write = timed(() => {
  const w = openAuditWriter({ dbPath, keyDir, checkpointEvery: 10_000 });
  const base = { pid: 1234, actor: 'trainer', decision: 'allow', ruleId: 'data', level: 'production', reason: 'rule data allows', caller: '/app/train.js:42', violation: null };
  for (let i = 0; i < n; i++) w.append({ ...base, ts: Date.now(), action: i % 3 ? 'file_read' : 'file_write', target: `/data/shards/part-${i % 5000}.parquet` });
  w.close();
});

const reader = openAuditReader(dbPath);
const checkpoints = reader.checkpoints();
const verifyWith = (options) => timed(() => reader.verify({ trustedKeys: [pub], ...options }));
const oneThread = verifyWith({ threads: 1 });
const threaded = verifyWith({});
const since = checkpoints[Math.floor(checkpoints.length * 0.9)];
const sinceSize = JSON.parse(since.body).size;
const incremental = verifyWith({ since });

const hex = (h) => Buffer.from(h, 'hex');
/** Per proof: wall time and this process's CPU time, so preemption by other load shows as wall without CPU. */
function proofTimes(make, check, count) {
  const wall = [];
  const cpu = [];
  let ok = true;
  for (let i = 0; i < count; i++) {
    const c = process.cpuUsage();
    const t = process.hrtime.bigint();
    const p = make(i);
    wall.push(Number(process.hrtime.bigint() - t) / 1e6);
    const u = process.cpuUsage(c);
    cpu.push((u.user + u.system) / 1e3);
    ok = ok && check(p);
  }
  const q = (a, f) => +a.slice().sort((x, y) => x - y)[Math.floor(a.length * f)].toFixed(3);
  return { count, medianMs: q(wall, 0.5), p99Ms: q(wall, 0.99), maxMs: q(wall, 1 - 1e-9), cpuMedianMs: q(cpu, 0.5), cpuP99Ms: q(cpu, 0.99), allVerified: ok, loadavg1: +os.loadavg()[0].toFixed(2) };
}
const rnd = (max) => 1 + Math.floor(Math.random() * max);
const inclusion = proofTimes(() => reader.getInclusionProof(rnd(n)), (p) => verifyInclusion(p.leafIndex, p.treeSize, hex(p.leafHash), p.path.map(hex), hex(p.root)), 2000);
const consistency = proofTimes(() => reader.getConsistencyProof(rnd(n - 1), n), (p) => verifyConsistency(p.oldSize, p.newSize, hex(p.oldRoot), hex(p.newRoot), p.path.map(hex)), 2000);
reader.close();

const retained = Math.min(10_000, Math.floor(n / 10));
const retention = timed(() => redactEntries({ dbPath, keyDir, from: 1, to: retained, reason: 'bench retention' }));
const rotation = timed(() => rotateSigningKey(dbPath, keyDir));
const after = openAuditReader(dbPath);
const verifyAfter = timed(() => after.verify({ trustedKeys: [path.join(keyDir, 'log-root.pub.pem')] }));
after.close();

console.log(JSON.stringify({
  node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0].model, entries: n, dbBytes: fs.statSync(dbPath).size, checkpoints: checkpoints.length,
  write: fmt(write, n),
  fullVerifyOneThread: { valid: oneThread.value.valid, ...fmt(oneThread, n) },
  fullVerifyThreads: { threads: Math.min(os.availableParallelism(), 8), valid: threaded.value.valid, sameRoot: threaded.value.root === oneThread.value.root, ...fmt(threaded, n) },
  incrementalVerify: { since: sinceSize, newEntries: n - sinceSize, valid: incremental.value.valid, ...fmt(incremental, n - sinceSize) },
  inclusion, consistency,
  retention: { redacted: retention.value.redacted, ...fmt(retention, retention.value.redacted) },
  rotation: { seconds: +rotation.seconds.toFixed(3), epoch: rotation.value.epoch },
  verifyAfterRetentionAndRotation: { valid: verifyAfter.value.valid, redacted: verifyAfter.value.redacted, entries: verifyAfter.value.entries, ...fmt(verifyAfter, verifyAfter.value.entries) },
}, null, 2));
fs.rmSync(dir, { recursive: true, force: true });
