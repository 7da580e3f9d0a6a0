// Benchmark: audit appends in group and strict mode (checkpoints included), through the writer thread of a
// governed process, and the cost of append() itself.
// Usage: node bench/audit-append.js [groupEntries] [strictEntries]   (after `npm run build`)
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { openAuditWriter, openAuditReader } = require('../dist/src/audit/index.js');
const { openThreadedAuditWriter } = require('../dist/src/audit/threaded-writer.js');

const groupEntries = Number(process.argv[2] ?? 200_000);
const strictEntries = Number(process.argv[3] ?? 20_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-bench-'));

function entry(i) {
  return { ts: Date.now(), pid: process.pid, actor: 'trainer', action: i % 3 ? 'file_read' : 'file_write', target: `/data/shards/part-${i % 5000}.parquet`, decision: 'allow', ruleId: 'data', level: 'production', reason: 'rule data allows', caller: '/app/train.js:42', violation: null };
}

function verified(dbPath) {
  const reader = openAuditReader(dbPath);
  const checkpoints = reader.checkpoints().length;
  const valid = reader.verify({ trustedKeys: [path.join(dir, 'keys', 'log-signing.pub.pem')] }).valid;
  reader.close();
  return { checkpoints, valid };
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
  // perCpuSecond: entries per second of this process's CPU time, which the other load on a shared machine does not inflate.
  return { mode, entries: n, seconds: +seconds.toFixed(3), perSecond: Math.round(n / seconds), cpuSeconds: +cpuSeconds.toFixed(3), perCpuSecond: Math.round(n / cpuSeconds), ...verified(dbPath) };
}

/** CPU nanoseconds each thread of this process has run (Linux: /proc/self/task/<tid>/schedstat). */
function threadCpu() {
  const byThread = new Map();
  for (const tid of fs.readdirSync('/proc/self/task')) {
    try {
      byThread.set(tid, Number(fs.readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]));
    } catch {
      // the thread ended meanwhile
    }
  }
  return byThread;
}

/**
 * The writer of a governed process: past 4096 entries it hands batches to its thread. Measured once the thread
 * has taken over (its start-up is left out): appends run as fast as they can, so the thread's commit rate
 * bounds them (back-pressure). CPU is split by thread: this one (making entries, flattening, posting), the
 * writer thread, and the rest (V8's garbage collection helpers, libuv).
 */
function runThreaded(n) {
  const dbPath = path.join(dir, 'threaded.db');
  const initial = threadCpu();
  const w = openThreadedAuditWriter({ dbPath, keyDir: path.join(dir, 'keys') });
  for (let i = 0; i < 4096; i++) w.append(entry(i)); // the thread starts
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
  for (let i = 0; i < 2048; i++) w.append(entry(i)); // and takes over
  w.flush();
  const before = threadCpu();
  let writerThread = null;
  for (const tid of before.keys()) if (!initial.has(tid) && (writerThread === null || before.get(tid) > before.get(writerThread))) writerThread = tid;
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) w.append(entry(i));
  w.flush();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const after = threadCpu();
  w.close();
  const main = String(process.pid);
  const used = (tid) => after.get(tid) - (before.get(tid) ?? 0);
  let others = 0;
  for (const tid of after.keys()) if (tid !== main && tid !== writerThread) others += used(tid);
  const perEntry = (ns) => +(ns / n / 1000).toFixed(2);
  return {
    mode: 'threaded', entries: n, seconds: +seconds.toFixed(3), perSecond: Math.round(n / seconds),
    cpuMicrosecondsPerEntry: { callingThread: perEntry(used(main)), writerThread: perEntry(used(writerThread)), otherThreads: perEntry(others) },
    writerThreadPerCpuSecond: Math.round(n / (used(writerThread) / 1e9)), ...verified(dbPath),
  };
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
const results = [run('group', groupEntries), runThreaded(groupEntries), run('strict', strictEntries), appendCost(100_000)];
console.log(JSON.stringify({ node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0].model, loadavg: os.loadavg().map((l) => +l.toFixed(2)), results }, null, 2));
fs.rmSync(dir, { recursive: true, force: true });
