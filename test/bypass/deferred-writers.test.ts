// C++ writers that are armed now and write later (src/hooks/internals-diagnostics.ts), in the three launch modes,
// under a production policy that lets the program write only in ok/. Each was decided where the current directory
// was at arming time and wrote where it was when it wrote: chdir into ok/, arm, chdir back, and a report replaced a
// protected file of the project (the audit database itself, named as the report's file name), or tracing or a
// heap snapshot near the heap limit wrote into the project. Now an armed report's directory is pinned where it was
// decided, so it lands in ok/; and process.chdir while tracing or a near-limit snapshot is armed is decided as the
// write those writers would make in the new directory, and refused there, on the record. Positive controls: chdir
// with nothing armed, and with tracing on into a directory the policy lets it write.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject, verifyProjectLog } from '../helpers/governed-run';

const APP = String.raw`
'use strict';
const v8 = require('node:v8');
const scenario = process.argv[2];
function attempt(fn) {
  try { fn(); return 'done'; } catch (e) { return e.code + ' ' + (e.message || ''); }
}
if (scenario === 'report-filename' || scenario === 'report-database') {
  process.chdir('ok');
  process.report.filename = scenario === 'report-filename' ? 'prot.txt' : '.governance/audit.db';
  process.report.reportOnUncaughtException = true;
  process.chdir('..');
  throw new Error('uncaught, to trigger the report');
}
if (scenario === 'report-directory') {
  process.chdir('ok');
  process.report.reportOnUncaughtException = true;
  process.chdir('..');
  throw new Error('uncaught, to trigger the report');
}
if (scenario === 'trace') {
  process.chdir('ok');
  require('node:trace_events').createTracing({ categories: ['node.perf'] }).enable();
  const moved = attempt(() => process.chdir('..'));
  const allowed = attempt(() => process.chdir('sub'));
  process.stdout.write('RESULTS ' + JSON.stringify({ moved, allowed, cwd: process.cwd() }) + '\n');
}
if (scenario === 'heap') {
  process.chdir('ok');
  v8.setHeapSnapshotNearHeapLimit(1);
  const moved = attempt(() => process.chdir('..'));
  process.stdout.write('RESULTS ' + JSON.stringify({ moved, cwd: process.cwd() }) + '\n');
}
if (scenario === 'report-absolute-name') {
  // Node's C++ joins directory and file name as strings, an absolute name included.
  process.report.directory = process.cwd();
  const written = attempt(() => process.report.writeReport(require('node:path').resolve('ok', 'joined.json')));
  process.stdout.write('RESULTS ' + JSON.stringify({ written }) + '\n');
}
if (scenario === 'report-relinked') {
  const fs = require('node:fs'), path = require('node:path');
  process.report.directory = path.resolve('ok/rep');
  process.report.filename = 'r.json';
  process.report.reportOnUncaughtException = true;
  const results = {
    // The report's own file, re-pointed at a protected file, then its directory swapped for a link to the project.
    'symlink at the armed file': attempt(() => fs.symlinkSync(path.resolve('prot.txt'), 'ok/rep/r.json')),
    'rename of a link onto the armed file': attempt(() => { fs.symlinkSync(path.resolve('prot.txt'), 'ok/link'); fs.renameSync('ok/link', 'ok/rep/r.json'); }),
    'symlink at its directory': attempt(() => { fs.renameSync('ok/rep', 'ok/rep-old'); fs.symlinkSync(process.cwd(), 'ok/rep'); }),
  };
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
  throw new Error('uncaught, to trigger the report');
}
if (scenario === 'trace-relinked') {
  const fs = require('node:fs');
  process.chdir('ok');
  require('node:trace_events').createTracing({ categories: ['node.perf'] }).enable();
  const results = { 'symlink at the trace file': attempt(() => fs.symlinkSync('../prot.txt', 'node_trace.1.log')) };
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
}
if (scenario === 'armed-plain-moves') {
  const fs = require('node:fs'), path = require('node:path');
  process.report.directory = path.resolve('ok/moves');
  process.report.reportOnUncaughtException = true;
  const results = {
    'copy of a plain tree into the report directory': attempt(() => fs.cpSync(path.resolve('data'), path.resolve('ok/moves'), { recursive: true })),
    'rename of a plain file onto a report name': attempt(() => fs.renameSync('ok/sub/plain.txt', 'ok/moves/report.1.json')),
    'symlink in the report directory to an allowed file': attempt(() => fs.symlinkSync(path.resolve('ok/sub/target.json'), 'ok/moves/report.2.json')),
  };
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
}
if (scenario === 'nothing-armed') {
  const results = { into: attempt(() => process.chdir('ok')), back: attempt(() => process.chdir('..')) };
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
}
`;

function results(run: { stdout: string }): Record<string, string> {
  const line = run.stdout.split('\n').find((l) => l.startsWith('RESULTS '));
  return line === undefined ? {} : (JSON.parse(line.slice('RESULTS '.length)) as Record<string, string>);
}

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeProject));

describe.each(LAUNCH_MODES)('deferred C++ writers and process.chdir under a production policy (%s)', (mode) => {
  const project = () => {
    const dir = createProject({ files: { 'app.cjs': APP, 'prot.txt': 'protected', 'ok/sub/.keep': '', 'ok/.governance/.keep': '', 'ok/sub/plain.txt': 'plain', 'ok/rep/.keep': '', 'data/input.csv': 'a,b' } });
    dirs.push(dir);
    const policy = {
      level: 'production',
      default: 'deny',
      rules: [
        { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
        { id: 'write-ok', action: 'file_write', target: [`${dir}/ok`, `${dir}/ok/**`], effect: 'allow' },
      ],
    };
    governedRun({ dir, mode, entry: '-e', args: ['0'], policy }); // creates the log and its keys
    return { dir, run: (scenario: string) => governedRun({ dir, mode, entry: 'app.cjs', args: [scenario], policy }) };
  };
  // The database scenario has a project of its own: before the fix it destroyed the log the others run against.
  const databaseProject = project();
  const reportDatabase = databaseProject.run('report-database');
  const { dir, run } = project();
  const reportFilename = run('report-filename');
  const reportDirectory = run('report-directory');
  mkdirSync(join(dir, dir, 'ok'), { recursive: true });
  const reportAbsoluteName = run('report-absolute-name');
  const trace = run('trace');
  const heap = run('heap');
  const nothingArmed = run('nothing-armed');
  const plainMoves = run('armed-plain-moves');
  const traceRelinked = run('trace-relinked');
  const reportRelinked = run('report-relinked');

  it('a report armed in ok/ with a relative file name lands in ok/, not over the protected file', () => {
    expect(reportFilename.stderr).toContain('Writing Node.js report to file');
    expect(readFileSync(join(dir, 'prot.txt'), 'utf8')).toBe('protected');
    expect(existsSync(join(dir, 'ok', 'prot.txt'))).toBe(true);
  });

  it('a report armed in ok/ and named after the audit database does not reach the database; the log verifies', () => {
    expect(reportDatabase.stderr).toContain('Writing Node.js report to file');
    expect(existsSync(join(databaseProject.dir, 'ok', '.governance', 'audit.db'))).toBe(true);
    expect(verifyProjectLog(databaseProject.dir).valid).toBe(true);
  });

  it('a report armed in ok/ with no directory set lands in ok/', () => {
    expect(reportDirectory.stderr).toContain('Writing Node.js report to file');
    expect(readdirSync(dir).filter((name) => name.startsWith('report.'))).toEqual([]);
    expect(readdirSync(join(dir, 'ok')).filter((name) => name.startsWith('report.'))).toHaveLength(1);
  });

  it('writeReport of an absolute name with a directory set is decided where Node writes it (directory + name)', () => {
    expect(results(reportAbsoluteName).written).toMatch(new RegExp(`^EGOVDENIED .*file_write:${dir}${dir}/ok/joined\\.json`));
    expect(existsSync(join(dir, dir, 'ok', 'joined.json'))).toBe(false);
  });

  it('process.chdir out of ok/ while tracing is refused as the trace file write; into ok/sub it is allowed', () => {
    expect(trace.status, trace.stderr).toBe(0);
    const outcome = results(trace);
    expect(outcome.moved).toMatch(new RegExp(`^EGOVDENIED .*file_write:${dir}/node_trace\\.1\\.log`));
    expect(outcome.allowed).toBe('done');
    expect(outcome.cwd).toBe(join(dir, 'ok', 'sub'));
    expect(readdirSync(dir).filter((name) => name.startsWith('node_trace.'))).toEqual([]);
  });

  it('process.chdir out of ok/ with a near-heap-limit snapshot armed is refused as the snapshot write', () => {
    expect(heap.status, heap.stderr).toBe(0);
    const outcome = results(heap);
    expect(outcome.moved).toMatch(new RegExp(`^EGOVDENIED .*file_write:${dir}/Heap\\.near-heap-limit\\.heapsnapshot`));
    expect(outcome.cwd).toBe(join(dir, 'ok'));
  });

  it('the refused directory changes are in the log', () => {
    const denied = nothingArmed.entries().filter((e) => e.decision === 'deny' && e.action === 'file_write').map((e) => e.target);
    expect(denied).toEqual(expect.arrayContaining([join(dir, 'node_trace.1.log'), join(dir, 'Heap.near-heap-limit.heapsnapshot')]));
  });

  it('a link made at an armed report\'s file or directory, or moved onto it, is refused as the write it would redirect', () => {
    const outcome = results(reportRelinked);
    expect(outcome['symlink at the armed file']).toMatch(new RegExp(`^EGOVDENIED .*file_write:${dir}/prot\\.txt`));
    expect(outcome['rename of a link onto the armed file']).toMatch(new RegExp(`^EGOVDENIED .*file_write:${dir}/prot\\.txt`));
    expect(outcome['symlink at its directory']).toMatch(new RegExp(`^EGOVDENIED .*file_write:${dir}/r\\.json`));
    expect(readFileSync(join(dir, 'prot.txt'), 'utf8')).toBe('protected');
    expect(existsSync(join(dir, 'r.json'))).toBe(false);
    const denied = reportRelinked.entries().filter((e) => e.decision === 'deny' && e.action === 'file_write').map((e) => e.target);
    expect(denied).toEqual(expect.arrayContaining([join(dir, 'prot.txt'), join(dir, 'r.json')]));
  });

  it('a link made at the trace file while tracing is refused', () => {
    expect(traceRelinked.status, traceRelinked.stderr).toBe(0);
    expect(results(traceRelinked)['symlink at the trace file']).toMatch(new RegExp(`^EGOVDENIED .*file_write:${dir}/prot\\.txt`));
    expect(readFileSync(join(dir, 'prot.txt'), 'utf8')).toBe('protected');
  });

  it('positive control: plain copies and moves into an armed report\'s directory, and links within what the policy allows, still work', () => {
    expect(results(plainMoves)).toEqual({
      'copy of a plain tree into the report directory': 'done',
      'rename of a plain file onto a report name': 'done',
      'symlink in the report directory to an allowed file': 'done',
    });
  });

  it('positive control: with nothing armed, chdir goes anywhere and decides nothing', () => {
    expect(results(nothingArmed)).toEqual({ into: 'done', back: 'done' });
  });
});
