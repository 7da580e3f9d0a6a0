// The audit database's descriptors as a WASI program's stdin, stdout or stderr. A WASI program may write, seek and
// truncate those descriptors as files, whichever role they have, and the WASI constructor's `stdin`/`stdout`/`stderr`
// were not decided (only `preopens` were): a program that found SQLite's descriptors through /proc/self/fd handed the
// `-wal` one to `new WASI({ stdout })`, and a 200-byte WebAssembly module seeked it and wrote over the frames, which
// SQLite then copied into the database (`database disk image is malformed`; every line, until 2026-11-23). Under a
// production policy, in the three launch modes, each must be refused as runtime_bypass, logged, and the log must verify.
// Positive control: a descriptor the program opened itself, where it may write, is written by the same module.
// Second suite: a WASI program's proc_exit with `returnOnExit: false` ended the process from C (uvwasi calls exit()),
// with no 'exit' event, and its proc_raise(KILL) killed it: the allowed writes made just before were missing from the
// log (every line, until 2026-11-23). proc_exit must end it with the program's exit code, and the log hold those writes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject, verifyProjectLog, writeOnlyInOkPolicy } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const fs = require('node:fs');
const { WASI } = require('node:wasi');
const sleb = (n) => { const out = []; for (;;) { const b = n & 0x7f; n >>= 7; if ((n === 0 && !(b & 0x40)) || (n === -1 && (b & 0x40))) { out.push(b); return out; } out.push(b | 0x80); } };
const uleb = (n) => { const out = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n); return out; };
// A WASI program that seeks descriptor 'fd' (0, 1 or 2) to 'offset' and writes 'length' bytes of 'X' there.
function overwriting(fd, offset, length) {
  const name = (s) => [s.length, ...Buffer.from(s)];
  const section = (id, bytes) => [id, ...uleb(bytes.length), ...bytes];
  const body = [0x00,
    0x41, 0, 0x41, ...sleb(64), 0x36, 2, 0, 0x41, 4, 0x41, ...sleb(length), 0x36, 2, 0,
    0x41, fd, 0x42, ...sleb(offset), 0x41, 0, 0x41, 8, 0x10, 1, 0x1a,
    0x41, fd, 0x41, 0, 0x41, 1, 0x41, 8, 0x10, 0, 0x1a, 0x0b];
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, [3, 0x60, 4, 0x7f, 0x7f, 0x7f, 0x7f, 1, 0x7f, 0x60, 4, 0x7f, 0x7e, 0x7f, 0x7f, 1, 0x7f, 0x60, 0, 0]),
    ...section(2, [2, ...name('wasi_snapshot_preview1'), ...name('fd_write'), 0, 0, ...name('wasi_snapshot_preview1'), ...name('fd_seek'), 0, 1]),
    ...section(3, [1, 2]), ...section(5, [1, 0, 1]),
    ...section(7, [2, ...name('memory'), 2, 0, ...name('_start'), 0, 2]),
    ...section(10, [1, ...uleb(body.length), ...body]),
    ...section(11, [1, 0, 0x41, ...sleb(64), 0x0b, ...uleb(length), ...Buffer.alloc(length, 'X')]),
  ]);
}
const descriptorOf = (suffix) => fs.readdirSync('/proc/self/fd').map(Number).find((fd) => {
  try { return fs.readlinkSync('/proc/self/fd/' + fd).endsWith(suffix); } catch { return false; }
});
function run(role, fd) {
  const stdio = role === 'stdin' ? 0 : role === 'stdout' ? 1 : 2;
  try {
    const wasi = new WASI({ version: 'preview1', [role]: fd, returnOnExit: true });
    wasi.start(new WebAssembly.Instance(new WebAssembly.Module(overwriting(stdio, 32, 30000)), wasi.getImportObject()));
    return { outcome: 'ran', fd };
  } catch (e) { return { outcome: 'thrown', code: e.code, violation: e.violation, fd }; }
}
for (let i = 0; i < 20; i++) fs.existsSync('entry-' + i); // entries for the log to hold
const results = {
  'stdout: the -wal descriptor': run('stdout', descriptorOf('/.governance/audit.db-wal')),
  'stdin: the database descriptor': run('stdin', descriptorOf('/.governance/audit.db')),
  'stderr: the -shm descriptor': run('stderr', descriptorOf('/.governance/audit.db-shm')),
  'control: a descriptor of its own': run('stdout', fs.openSync('ok/out.txt', 'w')),
};
console.log('RESULTS ' + JSON.stringify(results));
`;

const REFUSED = ['stdout: the -wal descriptor', 'stdin: the database descriptor', 'stderr: the -shm descriptor'];

describe.each(LAUNCH_MODES)('audit database descriptors handed to WASI, production policy (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'ok/.keep': '' } });
  afterAll(() => removeProject(dir));
  const run = governedRun({ dir, mode, entry: 'app.cjs', policy: writeOnlyInOkPolicy(dir) });
  const results = routeResults<Record<string, { outcome: string; code?: string; violation?: string; fd?: number }>>(run);

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(REFUSED)('%s: refused as runtime_bypass', (label) => {
    expect(typeof results[label].fd, 'the descriptor was found').toBe('number');
    expect(results[label], JSON.stringify(results[label])).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED', violation: 'runtime_bypass' });
  });

  it('each refusal is in the log, and the log verifies', () => {
    const refusals = run.entries().filter((e) => e.decision === 'deny' && e.violation === 'runtime_bypass' && /\/\.governance\/audit\.db(-wal|-shm)?$/.test(e.target));
    expect(refusals.length, JSON.stringify(refusals)).toBe(3);
    expect(verifyProjectLog(dir).valid).toBe(true);
  });

  it('positive control: the module writes a descriptor the program opened where it may write', () => {
    expect(results['control: a descriptor of its own']).toMatchObject({ outcome: 'ran' });
    expect(readFileSync(join(dir, 'ok', 'out.txt'), 'utf8')).toBe('\0'.repeat(32) + 'X'.repeat(30000));
  });
});

const EXIT_APP = String.raw`
const fs = require('node:fs');
const { WASI } = require('node:wasi');
const uleb = (n) => { const out = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n); return out; };
const name = (s) => [s.length, ...Buffer.from(s)];
const section = (id, bytes) => [id, ...uleb(bytes.length), ...bytes];
// _start calls proc_exit(7), or proc_raise(9): WASI's KILL.
const compile = (imported, value, result) => new WebAssembly.Module(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
  ...section(1, [2, 0x60, 1, 0x7f, ...(result ? [1, 0x7f] : [0]), 0x60, 0, 0]),
  ...section(2, [1, ...name('wasi_snapshot_preview1'), ...name(imported), 0, 0]),
  ...section(3, [1, 1]), ...section(5, [1, 0, 1]),
  ...section(7, [2, ...name('memory'), 2, 0, ...name('_start'), 0, 1]),
  ...section(10, [1, result ? 7 : 6, 0x00, 0x41, value, 0x10, 0, ...(result ? [0x1a] : []), 0x0b])]));
const start = (compiled, returnOnExit) => {
  const wasi = new WASI({ version: 'preview1', returnOnExit });
  return wasi.start(new WebAssembly.Instance(compiled, wasi.getImportObject()));
};
const exiting = compile('proc_exit', 7, false);
console.log('control returned ' + start(exiting, true)); // the default: start() returns the code
for (let i = 0; i < 5; i++) fs.writeFileSync('ok/file' + i, 'x');
if (process.argv[2] === 'raise') start(compile('proc_raise', 9, true), true);
else start(exiting, false);
console.log('not reached');
`;

describe.each(LAUNCH_MODES)('a WASI program ending the process, production policy (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': EXIT_APP, 'ok/.keep': '' } });
  afterAll(() => removeProject(dir));
  const policy = writeOnlyInOkPolicy(dir);
  const exit = governedRun({ dir, mode, entry: 'app.cjs', args: ['exit'], policy });
  const exitEntries = exit.entries();
  const exitVerdict = verifyProjectLog(dir).valid;
  removeProject(join(dir, '.governance'));
  const raise = governedRun({ dir, mode, entry: 'app.cjs', args: ['raise'], policy });
  const writesIn = (run: typeof exit, entries = run.entries()) =>
    entries.filter((e) => e.action === 'file_write' && e.decision === 'allow' && e.target.startsWith(join(dir, 'ok', 'file'))).length;

  it('proc_exit ended the process with the program\'s exit code (positive control: returnOnExit returns it)', () => {
    expect(exit.stdout.trim(), exit.stderr).toBe('control returned 7');
    expect(exit.status, exit.stderr).toBe(7);
  });

  it('proc_exit: the writes made before it are in the log, and the log verifies', () => {
    expect(writesIn(exit, exitEntries), JSON.stringify(exitEntries.map((e) => e.target))).toBe(5);
    expect(exitVerdict).toBe(true);
  });

  it('proc_raise(KILL): the process was killed, the writes made before it are in the log, and the log verifies', () => {
    expect(raise.signal, raise.stderr).toBe('SIGKILL');
    expect(writesIn(raise)).toBe(5);
    expect(verifyProjectLog(dir).valid).toBe(true);
  });
});
