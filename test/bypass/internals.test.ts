// Internals and debug routes under a production policy, in the three launch modes: raw bindings, the
// inspector (sessions, open, SIGUSR1, _debugProcess) and V8 flags are refused as runtime_bypass; C++
// writers (reports, heap snapshots, traces) and WASI preopens are decided as the file actions they
// amount to. Each refusal is in the audit log and no file appeared. Positive controls: the same writers
// work where the policy allows writing.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject } from '../helpers/governed-run';

const APP = String.raw`
const v8 = require('node:v8'), inspector = require('node:inspector'), path = require('node:path');
const [forbidden, allowed] = process.argv.slice(2);
const results = {};
async function attempt(label, fn) {
  try { results[label] = { outcome: 'returned', value: String(await fn()) }; }
  catch (e) { results[label] = { outcome: 'thrown', code: e.code, violation: e.violation, message: String(e.message) }; }
}
(async () => {
  await attempt('process.binding fs', () => typeof process.binding('fs').writeFileUtf8);
  await attempt('process.binding spawn_sync', () => typeof process.binding('spawn_sync').spawn);
  await attempt('process.binding contextify', () => typeof process.binding('contextify'));
  await attempt('process._linkedBinding', () => process._linkedBinding('anything'));
  await attempt('inspector Session#connect', () => new inspector.Session().connect());
  await attempt('inspector Session#connectToMainThread', () => new inspector.Session().connectToMainThread());
  await attempt('inspector/promises Session', () => new (require('node:inspector/promises').Session)().connect());
  await attempt('inspector.open', () => inspector.open(0, '127.0.0.1'));
  await attempt('process._debugProcess', () => process._debugProcess(process.pid));
  await attempt('SIGUSR1 by name', () => process.kill(process.pid, 'SIGUSR1'));
  await attempt('SIGUSR1 by number', () => process.kill(process.pid, require('node:os').constants.signals.SIGUSR1));
  await attempt('SIGUSR1 to the group', () => process.kill(0, 'SIGUSR1'));
  await attempt('process._kill', () => process._kill(process.pid, 10));
  await attempt('process._kill with a signal object', () => process._kill(process.pid, { valueOf: () => require('node:os').constants.signals.SIGUSR1 }));
  await attempt('SIGUSR1 with a pid whose valueOf names another process first', () => {
    let reads = 0;
    return process.kill({ valueOf: () => (++reads <= 3 ? 2147483646 : process.pid) }, 'SIGUSR1');
  });
  await attempt('process.binding of a name that is harmless once', () => {
    let reads = 0;
    return typeof process.binding({ toString: () => (reads++ === 0 ? 'constants' : 'fs') }).writeFileUtf8;
  });
  await attempt('v8.setFlagsFromString', () => v8.setFlagsFromString('--allow-natives-syntax'));
  await attempt('v8.writeHeapSnapshot path', () => v8.writeHeapSnapshot(path.join(forbidden, 'dump.heapsnapshot')));
  await attempt('v8.writeHeapSnapshot default', () => v8.writeHeapSnapshot());
  await attempt('ESM v8 named export', async () => (await import('node:v8')).writeHeapSnapshot(path.join(forbidden, 'esm.heapsnapshot')));
  await attempt('v8.setHeapSnapshotNearHeapLimit', () => v8.setHeapSnapshotNearHeapLimit(1));
  await attempt('report.writeReport path', () => process.report.writeReport(path.join(forbidden, 'report.json')));
  await attempt('report.writeReport default', () => process.report.writeReport());
  await attempt('report.reportOnSignal', () => { process.report.reportOnSignal = true; return process.report.reportOnSignal; });
  await attempt('report.directory while armed', () => { process.report.directory = allowed; process.report.reportOnFatalError = true; process.report.directory = forbidden; return process.report.directory; });
  await attempt('trace_events enable', () => require('node:trace_events').createTracing({ categories: ['node.perf'] }).enable());
  await attempt('WASI preopen', () => new (require('node:wasi').WASI)({ version: 'preview1', preopens: { '/sandbox': forbidden } }));
  // A preopen whose host path changes after the check (a getter), or an inherited preopens that shows up only when
  // Node reads it: Node must get what was decided. The value is how often the program's code was asked.
  await attempt('WASI preopen getter', () => {
    let reads = 0;
    const preopens = {};
    Object.defineProperty(preopens, '/sandbox', { enumerable: true, get: () => (++reads === 1 ? allowed : forbidden) });
    new (require('node:wasi').WASI)({ version: 'preview1', preopens });
    return reads;
  });
  await attempt('WASI inherited preopens', () => {
    let reads = 0;
    Object.defineProperty(Object.prototype, 'preopens', { configurable: true, get: () => (++reads === 1 ? undefined : { '/sandbox': forbidden }) });
    try { new (require('node:wasi').WASI)({ version: 'preview1' }); } finally { delete Object.prototype.preopens; }
    return reads;
  });
  await attempt('redefine process.binding', () => Object.defineProperty(process, 'binding', { value: () => ({}) }));
  // A governed child signalling this process: SIGUSR1 would open this process's inspector to it.
  await attempt('SIGUSR1 from a governed child to its parent', () => {
    const child = require('node:child_process').spawnSync(process.execPath, ['child.cjs'], { encoding: 'utf8' });
    return child.stdout.trim() || child.stderr.trim();
  });
  // This process signalling a governed child through its handle (ChildProcess#kill): SIGUSR1 would open the child's inspector.
  await attempt('SIGUSR1 to a governed child through ChildProcess#kill', () => new Promise((resolve) => {
    const child = require('node:child_process').spawn(process.execPath, ['waiter.cjs']);
    let out = '';
    child.stdout.on('data', (chunk) => { out += chunk; });
    child.on('exit', () => resolve(out));
    setTimeout(() => { try { child.kill('SIGUSR1'); out += 'sent '; } catch (e) { out += e.code + ' '; } }, 200);
  }));
  // A sync spawn whose timeout signal is SIGUSR1: libuv signals the child natively, which would open its inspector.
  await attempt('SIGUSR1 as a sync spawn\'s timeout signal', () => {
    const child = require('node:child_process').spawnSync(process.execPath, ['waiter.cjs'], { timeout: 100, killSignal: 'SIGUSR1', encoding: 'utf8' });
    return child.error ? child.error.code : child.stdout;
  });
  await new Promise((resolve) => setTimeout(resolve, 300)); // a signal's inspector start runs on a later turn
  // Afterwards: the inspector never opened.
  results['inspector url'] = { outcome: 'returned', value: String(inspector.url()) };
  // Positive controls.
  await attempt('allowed heap snapshot', () => v8.writeHeapSnapshot(path.join(allowed, 'ok.heapsnapshot')));
  await attempt('allowed report', () => { process.report.reportOnFatalError = false; process.report.directory = ''; return process.report.writeReport(path.join(allowed, 'ok-report.json')); });
  await attempt('allowed WASI preopen', () => typeof new (require('node:wasi').WASI)({ version: 'preview1', preopens: { '/sandbox': allowed } }).start);
  await attempt('harmless binding', () => typeof process.binding('constants').os);
  process.stdout.write(JSON.stringify(results) + '\n');
})();
`;

const CHILD = String.raw`
const { signals } = require('node:os').constants;
const out = { ppid: process.ppid };
const routes = {
  name: () => process.kill(process.ppid, 'SIGUSR1'),
  number: () => process.kill(process.ppid, signals.SIGUSR1),
  'valueOf objects': () => process._kill({ valueOf: () => process.ppid }, { valueOf: () => signals.SIGUSR1 }),
};
for (const label of Object.keys(routes)) {
  try { routes[label](); out[label] = 'sent'; } catch (e) { out[label] = e.code + ' ' + e.violation; }
}
process.stdout.write(JSON.stringify(out));
`;

const WAITER = "setTimeout(() => process.stdout.write('inspector ' + require('node:inspector').url()), 700);\n";

const BYPASS = [
  'process.binding fs', 'process.binding spawn_sync', 'process.binding contextify', 'process._linkedBinding', 'inspector Session#connect',
  'inspector Session#connectToMainThread', 'inspector/promises Session', 'inspector.open', 'process._debugProcess', 'SIGUSR1 by name',
  'SIGUSR1 by number', 'SIGUSR1 to the group', 'process._kill', 'process._kill with a signal object', 'v8.setFlagsFromString',
];
const FILE_WRITES = [
  'v8.writeHeapSnapshot path', 'v8.writeHeapSnapshot default', 'ESM v8 named export', 'v8.setHeapSnapshotNearHeapLimit', 'report.writeReport path',
  'report.writeReport default', 'report.reportOnSignal', 'report.directory while armed', 'trace_events enable', 'WASI preopen',
];

describe.each(LAUNCH_MODES)('internals and debug routes under a production policy (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'child.cjs': CHILD, 'waiter.cjs': WAITER } });
  const forbidden = join(dir, 'forbidden');
  const allowed = join(dir, 'allowed');
  mkdirSync(forbidden);
  mkdirSync(allowed);
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    args: [forbidden, allowed],
    policy: {
      level: 'production',
      default: 'deny',
      rules: [
        { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
        { id: 'write', action: 'file_write', target: [`${dir}/.governance/**`, `${allowed}/**`, allowed], effect: 'allow' },
        { id: 'node', action: 'process_spawn', target: process.execPath, effect: 'allow' },
      ],
    },
  });
  const results = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as Record<string, { outcome: string; code?: string; violation?: string; message: string; value?: string }>;
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    // Node announces each report it writes on stderr.
    expect(run.stderr.replace(/^(Writing Node\.js report to file: .*|Node\.js report completed|)\n/gm, '')).toBe('');
    expect(run.status).toBe(0);
  });

  it.each(BYPASS)('%s is refused as runtime_bypass', (label) => {
    expect(results[label], JSON.stringify(results[label])).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED', violation: 'runtime_bypass' });
  });

  it.each(FILE_WRITES)('%s is decided as a file write and refused', (label) => {
    expect(results[label], JSON.stringify(results[label])).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(results[label].message).toMatch(/ file_(write|read):\//);
  });

  it('a WASI preopen is handed to Node as it was decided (a getter is asked once, an inherited preopens never)', () => {
    expect(results['WASI preopen getter']).toMatchObject({ outcome: 'returned', value: '1' });
    expect(results['WASI inherited preopens']).toMatchObject({ outcome: 'returned', value: '0' });
  });

  it('a pid or binding name that converts to another value on a later read is converted once, and Node gets that', () => {
    // The pid converted once: another process (none has that pid), or, had the first read been Node's own, this one.
    const kill = results['SIGUSR1 with a pid whose valueOf names another process first'];
    expect(kill.outcome, JSON.stringify(kill)).toBe('thrown');
    expect(['ESRCH', 'EGOVDENIED']).toContain(kill.code);
    expect(results['process.binding of a name that is harmless once']).toMatchObject({ outcome: 'returned', value: 'undefined' });
  });

  it('the governed process.binding cannot be redefined', () => {
    expect(results['redefine process.binding'].message).toMatch(/Cannot redefine property: binding/);
  });

  it('the inspector never opened and no file was written', () => {
    expect(results['inspector url'].value).toBe('undefined');
    expect(readdirSync(forbidden)).toEqual([]);
    expect(readdirSync(dir).filter((name) => /^(Heap\.|report\.|node_trace\.)/.test(name))).toEqual([]);
  });

  it('positive controls: the same writers work where writing is allowed', () => {
    expect(results['allowed heap snapshot'].outcome, JSON.stringify(results['allowed heap snapshot'])).toBe('returned');
    expect(existsSync(join(allowed, 'ok.heapsnapshot'))).toBe(true);
    expect(results['allowed report'].outcome).toBe('returned');
    expect(existsSync(join(allowed, 'ok-report.json'))).toBe(true);
    expect(results['allowed WASI preopen']).toMatchObject({ outcome: 'returned', value: 'function' });
    expect(results['harmless binding']).toMatchObject({ outcome: 'returned', value: 'object' });
  });

  it('SIGUSR1 from a governed child to its governed parent is refused, by name, number or valueOf, and logged', () => {
    const child = JSON.parse(results['SIGUSR1 from a governed child to its parent'].value ?? '{}') as Record<string, string | number>;
    expect(child, JSON.stringify(results['SIGUSR1 from a governed child to its parent'])).toEqual({
      ppid: child.ppid,
      name: 'EGOVDENIED runtime_bypass',
      number: 'EGOVDENIED runtime_bypass',
      'valueOf objects': 'EGOVDENIED runtime_bypass',
    });
    // The child's own entries (the parent's _debugProcess of itself has the same target).
    const refusals = run.entries().filter((e) => e.pid !== child.ppid && e.action === 'code_eval' && e.target === `inspector:pid:${child.ppid}`);
    expect(refusals.map((e) => `${e.decision} ${e.violation}`)).toEqual(['deny runtime_bypass', 'deny runtime_bypass', 'deny runtime_bypass']);
  });

  it('SIGUSR1 to a governed child through its handle is refused and the child\'s inspector stays closed', () => {
    expect(results['SIGUSR1 to a governed child through ChildProcess#kill']).toMatchObject({ outcome: 'returned', value: 'EGOVDENIED inspector undefined' });
    expect(run.entries().some((e) => e.action === 'code_eval' && e.target.startsWith('inspector:pid:') && e.violation === 'runtime_bypass' && e.reason.includes('child pid'))).toBe(true);
  });

  it('a sync spawn with SIGUSR1 as its timeout signal is refused', () => {
    expect(results["SIGUSR1 as a sync spawn's timeout signal"]).toMatchObject({ outcome: 'returned', value: 'EGOVDENIED' });
    expect(run.entries().some((e) => e.target === 'inspector:child' && e.violation === 'runtime_bypass' && e.decision === 'deny')).toBe(true);
  });

  it('every refusal is in the audit log', () => {
    const entries = run.entries();
    const bypasses = entries.filter((e) => e.violation === 'runtime_bypass' && e.decision === 'deny');
    expect(bypasses.length).toBeGreaterThanOrEqual(BYPASS.length);
    expect(bypasses.some((e) => e.target === 'process.binding:fs')).toBe(true);
    expect(bypasses.some((e) => e.target === 'inspector:SIGUSR1')).toBe(true);
    const writes = new Set(entries.filter((e) => e.action === 'file_write' && e.decision === 'deny').map((e) => e.target));
    expect(writes.has(join(forbidden, 'dump.heapsnapshot'))).toBe(true);
    expect(writes.has(join(forbidden, 'report.json'))).toBe(true);
    expect(writes.has(join(dir, 'node_trace.1.log'))).toBe(true);
  });
});
