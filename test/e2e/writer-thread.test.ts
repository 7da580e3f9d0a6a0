// The audit writer thread of a busy governed process (src/audit/threaded-writer.ts): real processes that
// log enough decisions to move commits off the calling thread, then end in every way a process ends.
// Nothing may be lost, denials must be durable before they throw, and the chain must verify.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { createProject, governedRun, LAUNCH_MODES, PACKAGE_NAME, removeProject, REPO_ROOT, verifyProjectLog } from '../helpers/governed-run';

const POLICY = {
  level: 'production',
  default: 'deny',
  rules: [
    { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
    { id: 'spawn-threads', action: 'worker_spawn', target: '**', effect: 'allow' },
  ],
};

// Lists its own OS threads before and after enough decisions to start the writer thread (Linux /proc), and
// reports how many threads started in between. Counting them would not do: other threads come and go (Node 22+
// loads root certificates on a thread of its own when tls is loaded, which governance does at activation).
const BUSY_APP = `
const fs = require('node:fs');
const tasks = () => fs.readdirSync('/proc/self/task');
const before = tasks();
const data = __dirname + '/data.txt';
if (process.argv[3] === 'poison') {
  const { Worker } = require('node:worker_threads');
  Object.defineProperty(Worker.prototype, 'postMessage', { value() {}, writable: true, configurable: true });
}
let stats = Number(process.argv[2]);
for (let i = 0; i < stats; i++) fs.statSync(data);
const start = Date.now();
while (Date.now() - start < 300) { fs.statSync(data); stats++; } // give the thread time to start
const started = tasks().filter((task) => !before.includes(task)).length;
let code = 'none';
try { fs.writeFileSync('/etc/governance-writer-thread-test', 'x'); } catch (error) { code = error.code; }
console.log(JSON.stringify({ started, code, stats }));
const end = process.argv[3];
if (end === 'exit') process.exit(3);
if (end === 'throw') throw new Error('boom');
if (end === 'sigkill') process.kill(process.pid, 'SIGKILL');
if (end === 'wait') setInterval(() => fs.statSync(data), 1);
`;

const projects: string[] = [];
afterAll(() => projects.forEach(removeProject));

function statCount(dir: string, entries: { action: string; target: string; decision: string }[]): number {
  const data = join(dir, 'data.txt');
  return entries.filter((e) => e.action === 'file_read' && e.target === data && e.decision === 'allow').length;
}

function busyProject(): string {
  const dir = createProject({ policy: POLICY, files: { 'app.js': BUSY_APP, 'data.txt': 'x' } });
  projects.push(dir);
  return dir;
}

describe('audit writer thread', () => {
  for (const mode of LAUNCH_MODES) {
    it(`${mode}: a busy process moves commits to a thread; every decision is logged and the chain verifies`, () => {
      const dir = busyProject();
      const run = governedRun({ dir, mode, entry: 'app.js', args: ['20000', 'normal'], timeoutMs: 60_000 });
      expect(run.stderr).toBe('');
      const out = JSON.parse(run.stdout) as { started: number; code: string; stats: number };
      expect(out.code).toBe('EGOVDENIED');
      expect(out.started).toBeGreaterThan(0);
      const entries = run.entries();
      expect(statCount(dir, entries)).toBe(out.stats);
      expect(entries.filter((e) => e.decision === 'deny').map((e) => e.target)).toEqual(['/etc/governance-writer-thread-test']);
      const seqs = entries.map((e) => e.seq);
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      const verdict = verifyProjectLog(dir);
      expect(verdict.issues).toEqual([]);
      expect(verdict.valid).toBe(true);
    }, 90_000);
  }

  for (const end of ['exit', 'throw', 'sigkill'] as const) {
    it(`nothing committed is lost when the process ends by ${end}; the denial is durable before it throws`, () => {
      const dir = busyProject();
      const run = governedRun({ dir, mode: 'require', entry: 'app.js', args: ['12000', end], timeoutMs: 60_000 });
      if (end === 'sigkill') expect(run.signal).toBe('SIGKILL');
      else expect(run.status).toBe(end === 'exit' ? 3 : 1);
      const entries = run.entries();
      expect(entries.filter((e) => e.decision === 'deny')).toHaveLength(1);
      // Every stat before the denial was committed with it (the denial waits for all queued before it);
      // the other endings also lose nothing after it.
      expect(statCount(dir, entries)).toBe(JSON.parse(run.stdout).stats);
      expect(verifyProjectLog(dir).valid).toBe(true);
    }, 90_000);
  }

  it('SIGTERM while the thread is busy: everything before the signal is in the log', async () => {
    const dir = busyProject();
    const child = spawn(process.execPath, ['--require', PACKAGE_NAME, 'app.js', '12000', 'wait'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 200));
    child.kill('SIGTERM');
    const signal = await new Promise((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    expect(signal).toBe('SIGTERM');
    const out = JSON.parse(stdout) as { code: string; stats: number };
    expect(out.code).toBe('EGOVDENIED');
    const { openAuditReader } = require(join(REPO_ROOT, 'dist/src/audit/index.js')) as typeof import('../../src/audit/index');
    const reader = openAuditReader(join(dir, '.governance', 'audit.db'));
    const entries = reader.query({});
    reader.close();
    // The stats made before the denial, plus those of the interval until the signal.
    expect(statCount(dir, entries)).toBeGreaterThan(out.stats);
    expect(entries.some((e) => e.decision === 'deny')).toBe(true);
    expect(verifyProjectLog(dir).valid).toBe(true);
  }, 90_000);

  // Until 2026-11-22 the preload stayed inactive in any worker whose workerData carried a mark, the writer thread's:
  // checked before the clone, the mark could be added afterwards (an argv element's toString, a getter Node's clone
  // runs) and the worker started ungoverned. The writer thread now starts with no preload; workerData means nothing.
  it.each(['require', 'node_options'] as const)('%s: a user worker carrying the old writer thread mark still runs governed', (mode) => {
    const dir = busyProject();
    const app = String.raw`
const { Worker } = require('node:worker_threads');
const MARK = '@mltrainer/governance:audit-writer';
const code = "const { workerData, parentPort } = require('node:worker_threads'); let r = 'WROTE'; try { require('node:fs').writeFileSync(workerData.file, 'x'); } catch (e) { r = e.code; } parentPort.postMessage(r);";
const start = (label, data, extra) => new Promise((resolve) => {
  const worker = new Worker(code, { eval: true, workerData: data, ...extra });
  worker.on('message', (m) => resolve(label + ' ' + m));
  worker.on('error', (e) => resolve(label + ' error ' + e.code));
});
const late = { file: __dirname + '/late.txt' };
const cloned = Object.assign([{ get x() { cloned[MARK] = true; return 1; } }], { file: __dirname + '/cloned.txt' });
(async () => {
  console.log(await start('mark', { [MARK]: true, file: __dirname + '/mark.txt' }));
  console.log(await start('late', late, { argv: [{ toString() { late[MARK] = true; return 'x'; } }] }));
  console.log(await start('cloned', cloned));
})();`;
    const run = governedRun({ dir, mode, entry: 'mark.js', files: { 'mark.js': app } });
    expect(run.stdout.trim().split('\n'), run.stderr).toEqual(['mark EGOVDENIED', 'late EGOVDENIED', 'cloned EGOVDENIED']);
    for (const name of ['mark.txt', 'late.txt', 'cloned.txt']) {
      expect(existsSync(join(dir, name))).toBe(false);
      expect(run.entries().some((e) => e.action === 'file_write' && e.target === join(dir, name) && e.decision === 'deny')).toBe(true);
    }
  }, 60_000);

  it('a no-op Worker.prototype.postMessage does not drop audit batches', () => {
    const dir = busyProject();
    const run = governedRun({ dir, mode: 'require', entry: 'app.js', args: ['20000', 'poison'], timeoutMs: 60_000 });
    const out = JSON.parse(run.stdout) as { started: number; code: string; stats: number };
    expect(out.code).toBe('EGOVDENIED');
    expect(out.started).toBeGreaterThan(0);
    expect(statCount(dir, run.entries())).toBe(out.stats);
    expect(verifyProjectLog(dir).valid).toBe(true);
  }, 90_000);
});
