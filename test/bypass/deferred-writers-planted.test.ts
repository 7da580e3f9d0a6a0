// C++ writers that pick their file's name when they write: a near-limit heap snapshot
// (`Heap.<stamp>.<pid>.<thread>.<seq>.heapsnapshot` in the current directory) and a report armed with no file name
// (`report.<stamp>.<pid>.<thread>.<seq>.json`). The names are predictable, so a program allowed to write only in ok/
// planted symlinks at the names of the next minutes, each to a protected file, and then armed the writer: arming was
// decided on a representative name, which is not a link, and the writer opened the planted link and overwrote the
// protected file (a bypass until 2026-11-23: a heap snapshot over prot.txt). Arming now decides every entry of the
// writer's directory that such a name matches, as a write of what it resolves to. Positive control: arming next to
// ordinary files of those names (left by an earlier run) is still allowed and the writer still writes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject } from '../helpers/governed-run';
import { printedResults } from '../helpers/route-results';

const APP = String.raw`
'use strict';
const fs = require('node:fs'), path = require('node:path'), v8 = require('node:v8');
const scenario = process.argv[2];
const pad = (n, w = 2) => String(n).padStart(w, '0');
function plant(dir, prefix, suffix, target) {
  const now = Date.now();
  for (let s = -1; s < 90; s++) {
    const d = new Date(now + s * 1000);
    const st = d.getFullYear() + pad(d.getMonth() + 1) + pad(d.getDate()) + '.' + pad(d.getHours()) + pad(d.getMinutes()) + pad(d.getSeconds());
    for (let q = 0; q <= 3; q++) {
      const name = path.join(dir, prefix + '.' + st + '.' + process.pid + '.0.' + pad(q, 3) + '.' + suffix);
      if (target === null) fs.writeFileSync(name, 'old'); else fs.symlinkSync(target, name);
    }
  }
}
function attempt(fn) {
  try { fn(); return 'done'; } catch (e) { return e.code + ' ' + (e.message || ''); }
}
const results = {};
if (scenario === 'heap' || scenario === 'heap-control') {
  process.chdir('ok');
  plant('.', 'Heap', 'heapsnapshot', scenario === 'heap' ? path.resolve('../prot.txt') : null);
  results.armed = attempt(() => v8.setHeapSnapshotNearHeapLimit(1));
}
if (scenario === 'report' || scenario === 'report-control') {
  plant('ok', 'report', 'json', scenario === 'report' ? path.resolve('prot.txt') : null);
  process.report.directory = path.resolve('ok');
  results.armed = attempt(() => { process.report.reportOnUncaughtException = true; });
}
process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
if (scenario.startsWith('heap')) { const keep = []; for (;;) keep.push(new Array(1e5).fill({ a: Math.random() })); }
throw new Error('uncaught, to trigger the report');
`;

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeProject));

describe.each(LAUNCH_MODES)('writers that name their file when they write, with links planted at those names (%s)', (mode) => {
  const project = () => {
    const dir = createProject({ files: { 'app.cjs': APP, 'prot.txt': 'protected', 'ok/.keep': '' } });
    dirs.push(dir);
    const policy = {
      level: 'production',
      default: 'deny',
      rules: [
        { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
        { id: 'write-ok', action: 'file_write', target: [`${dir}/ok`, `${dir}/ok/**`], effect: 'allow' },
      ],
    };
    return { dir, run: (scenario: string) => governedRun({ dir, mode, entry: 'app.cjs', args: [scenario], policy, nodeFlags: ['--max-old-space-size=40'], timeoutMs: 60_000 }) };
  };
  const { dir, run } = project();
  const controls = project(); // the planted links stay in the first project's ok/
  const heap = run('heap');
  const report = run('report');
  const protectedAfter = readFileSync(join(dir, 'prot.txt'), 'utf8');
  const heapControl = controls.run('heap-control');
  const reportControl = controls.run('report-control');

  it('the protected file is not overwritten', () => {
    expect(protectedAfter).toBe('protected');
  });

  it('arming a near-limit heap snapshot next to a planted link is refused as the write through it, on the record', () => {
    expect(printedResults<{ armed: string }>(heap).armed, heap.stderr).toMatch(new RegExp(`^EGOVDENIED .*file_write:${dir}/prot\\.txt`));
    expect(heap.entries().some((e) => e.action === 'file_write' && e.decision === 'deny' && e.target === join(dir, 'prot.txt'))).toBe(true);
  });

  it('arming a report with no file name next to a planted link is refused as the write through it, on the record', () => {
    expect(printedResults<{ armed: string }>(report).armed, report.stderr).toMatch(new RegExp(`^EGOVDENIED .*file_write:${dir}/prot\\.txt`));
    expect(report.entries().some((e) => e.action === 'file_write' && e.decision === 'deny' && e.target === join(dir, 'prot.txt'))).toBe(true);
  });

  it('positive control: next to plain files of those names, arming is allowed and the writers still write', () => {
    expect(printedResults<{ armed: string }>(heapControl).armed, heapControl.stderr).toBe('done');
    expect(heapControl.stderr).toContain('Wrote snapshot to');
    expect(printedResults<{ armed: string }>(reportControl).armed, reportControl.stderr).toBe('done');
    expect(reportControl.stderr).toContain('Writing Node.js report to file');
  });
});
