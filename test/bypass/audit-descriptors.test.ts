// The audit database's own descriptors (SQLite's, opened in C++) are small numbers a program can find or
// guess. Writing, truncating or closing one through fs would corrupt the log or let a later file take its
// number. Each such call is refused as runtime_bypass whatever the rules allow; the program's own
// descriptors work as before. Handing one to a child as its stdio, or to a raw stream handle (`Pipe#open`, then
// `net.Socket({ handle })`), wrote the child's output or the stream into the database and left the log malformed
// until 2026-11-23: both are refused too.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject, verifyProjectLog } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const fs = require('node:fs'), path = require('node:path');
const results = {};
async function attempt(label, fn) {
  try { await fn(); results[label] = { outcome: 'done' }; }
  catch (e) { results[label] = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
}
const callback = (fn) => new Promise((resolve, reject) => fn((e) => (e ? reject(e) : resolve())));
function logDescriptors() {
  const found = {};
  for (let fd = 3; fd < 256; fd++) {
    let target;
    try { target = fs.readlinkSync('/proc/self/fd/' + fd); } catch { continue; }
    const m = /\/\.governance\/audit\.db(-wal|-shm)?$/.exec(target);
    if (m) found[m[1] || 'db'] ??= fd;
  }
  return found;
}
(async () => {
  const fds = logDescriptors();
  results.found = Object.keys(fds).sort();
  const db = fds.db;
  const garbage = Buffer.from('not a database');
  await attempt('writeSync', () => fs.writeSync(db, garbage, 0, garbage.length, 0));
  await attempt('write', () => callback((done) => fs.write(db, garbage, 0, garbage.length, 0, done)));
  await attempt('writevSync', () => fs.writevSync(db, [garbage], 0));
  await attempt('writev', () => callback((done) => fs.writev(db, [garbage], 0, done)));
  await attempt('ftruncateSync', () => fs.ftruncateSync(db, 0));
  await attempt('ftruncate', () => callback((done) => fs.ftruncate(db, 0, done)));
  await attempt('writeFileSync', () => fs.writeFileSync(db, garbage));
  await attempt('appendFileSync', () => fs.appendFileSync(db, garbage));
  // A string goes through Node 22+'s C++ fast path, which writes the descriptor without fs.writeSync.
  await attempt('writeFileSync of a string', () => fs.writeFileSync(db, 'not a database'));
  await attempt('appendFileSync of a string', () => fs.appendFileSync(db, 'not a database'));
  await attempt('createWriteStream', () => new Promise((resolve, reject) => {
    const stream = fs.createWriteStream(null, { fd: db, start: 0, autoClose: false });
    stream.on('error', reject);
    stream.end(garbage, (e) => (e ? reject(e) : resolve()));
  }));
  await attempt('closeSync', () => fs.closeSync(db));
  await attempt('close', () => callback((done) => fs.close(db, done)));
  await attempt('writeSync of the WAL', () => fs.writeSync(fds['-wal'], garbage, 0, garbage.length, 0));
  await attempt('writeSync of the shared-memory index', () => fs.writeSync(fds['-shm'], garbage, 0, garbage.length, 0));
  const cp = require('node:child_process'), net = require('node:net');
  const printf = ['JUNK%8000s', 'x'];
  await attempt('child stdio: spawnSync', () => { const r = cp.spawnSync('/usr/bin/printf', printf, { stdio: ['ignore', db, 'inherit'] }); if (r.error) throw r.error; });
  await attempt('child stdio: execFileSync', () => cp.execFileSync('/usr/bin/printf', printf, { stdio: ['ignore', fds['-wal'], 'inherit'] }));
  await attempt('child stdio: spawn', () => new Promise((resolve, reject) => {
    const child = cp.spawn('/usr/bin/printf', printf, { stdio: ['ignore', 'inherit', db] });
    child.on('error', reject);
    child.on('exit', resolve);
  }));
  await attempt('child stdio: stream object with the fd', () => { const r = cp.spawnSync('/usr/bin/printf', printf, { stdio: ['ignore', { fd: db }, 'inherit'] }); if (r.error) throw r.error; });
  await attempt('raw Pipe handle open', () => new Promise((resolve, reject) => {
    const Pipe = process.stdout._handle.constructor;
    const pipe = new Pipe(0);
    const rc = pipe.open(db);
    if (rc !== 0) return reject(Object.assign(new Error('Pipe#open returned ' + rc), { code: rc === -require('node:os').constants.errno.EACCES ? 'EACCES' : String(rc) }));
    new net.Socket({ handle: pipe, readable: false }).end('JUNK'.repeat(4000), resolve);
  }));
  // Positive controls: the program's own descriptors, a FileHandle's number and stdout.
  const own = fs.openSync(path.join(process.cwd(), 'work', 'own.txt'), 'w');
  await attempt('own: writeSync', () => fs.writeSync(own, 'written'));
  await attempt('own: ftruncateSync', () => fs.ftruncateSync(own, 4));
  await attempt('own: closeSync', () => fs.closeSync(own));
  const viaCallback = await new Promise((resolve, reject) => fs.open(path.join(process.cwd(), 'work', 'callback.txt'), 'w', (e, fd) => (e ? reject(e) : resolve(fd))));
  await attempt('own (fs.open): write', () => callback((done) => fs.write(viaCallback, 'callback', done)));
  await attempt('own (fs.open): close', () => callback((done) => fs.close(viaCallback, done)));
  const handle = await fs.promises.open(path.join(process.cwd(), 'work', 'handle.txt'), 'w');
  await attempt('FileHandle number: writeSync', () => fs.writeSync(handle.fd, 'handle'));
  await handle.close();
  await attempt('stdout: writeSync', () => fs.writeSync(1, 'to stdout\n'));
  const childOut = fs.openSync(path.join(process.cwd(), 'work', 'child.txt'), 'w');
  await attempt('own: child stdio', () => { const r = cp.spawnSync('/usr/bin/printf', ['child'], { stdio: ['ignore', childOut, 'inherit'] }); if (r.error) throw r.error; });
  fs.closeSync(childOut);
  await attempt('stdout: child stdio inherit', () => { const r = cp.spawnSync('/usr/bin/printf', ['child to stdout\n'], { stdio: 'inherit' }); if (r.error) throw r.error; });
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
})();
`;

const REFUSED = ['writeSync', 'write', 'writevSync', 'writev', 'ftruncateSync', 'ftruncate', 'writeFileSync', 'appendFileSync',
  'writeFileSync of a string', 'appendFileSync of a string', 'createWriteStream',
  'closeSync', 'close', 'writeSync of the WAL', 'writeSync of the shared-memory index'];
const REFUSED_SPAWNS = ['child stdio: spawnSync', 'child stdio: execFileSync', 'child stdio: spawn', 'child stdio: stream object with the fd'];
const ALLOWED = ['own: child stdio', 'stdout: child stdio inherit', 'own: writeSync', 'own: ftruncateSync', 'own: closeSync', 'own (fs.open): write', 'own (fs.open): close', 'FileHandle number: writeSync', 'stdout: writeSync'];


describe.each(LAUNCH_MODES)('writes through the audit database\'s own descriptors (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'work/.keep': '' } });
  // Everything is allowed: the refusals come from the log's protection, not from a rule.
  const run = governedRun({ dir, mode, entry: 'app.cjs', policy: { level: 'production', default: 'allow' } });
  const outcomes = run.status === 0 ? routeResults<Record<string, { outcome: string; code?: string; message?: string }> & { found: string[] }>(run) : null;
  afterAll(() => removeProject(dir));

  it('ran to completion and found the database, its WAL and its index open', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(outcomes!.found).toEqual(['-shm', '-wal', 'db']);
  });

  it.each(REFUSED)('%s is refused as runtime_bypass', (label) => {
    expect(outcomes![label], JSON.stringify(outcomes![label])).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect((outcomes![label] as { message: string }).message).toMatch(/file_write:.*\/\.governance\/audit\.db(-wal|-shm)?/);
  });

  it.each(REFUSED_SPAWNS)('%s (the database\'s descriptor as a child\'s stdio) is refused as runtime_bypass', (label) => {
    expect(outcomes![label], JSON.stringify(outcomes![label])).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect((outcomes![label] as { message: string }).message).toMatch(/file_write:.*\/\.governance\/audit\.db(-wal|-shm)?/);
  });

  it('a raw Pipe handle opened on the database\'s descriptor is refused (EACCES to Node\'s code)', () => {
    expect(outcomes!['raw Pipe handle open']).toMatchObject({ outcome: 'thrown', code: 'EACCES' });
  });

  it.each(ALLOWED)('positive control: %s works', (label) => {
    expect(outcomes![label], JSON.stringify(outcomes![label])).toEqual({ outcome: 'done' });
  });

  it('the program\'s files hold what it wrote, and the log verifies with every refusal in it', () => {
    expect(readFileSync(join(dir, 'work', 'own.txt'), 'utf8')).toBe('writ');
    expect(readFileSync(join(dir, 'work', 'callback.txt'), 'utf8')).toBe('callback');
    expect(readFileSync(join(dir, 'work', 'handle.txt'), 'utf8')).toBe('handle');
    expect(readFileSync(join(dir, 'work', 'child.txt'), 'utf8')).toBe('child');
    expect(run.stdout).toContain('to stdout\n');
    expect(run.stdout).toContain('child to stdout\n');
    expect(run.stdout).not.toContain('JUNK');
    const refusals = run.entries().filter((e) => e.decision === 'deny' && e.violation === 'runtime_bypass' && /\/\.governance\/audit\.db/.test(e.target));
    expect(refusals.length).toBe(REFUSED.length + REFUSED_SPAWNS.length + 1);
    const verdict = verifyProjectLog(dir);
    expect(verdict.issues).toEqual([]);
    expect(verdict.valid).toBe(true);
  });
});

// Under Node's permission model the spawn_sync binding cannot be reached: sync spawns are checked from their public
// options, and a descriptor of the database among their stdio is refused there too.
const PERMISSION_APP = String.raw`
const fs = require('node:fs'), cp = require('node:child_process'), path = require('node:path');
const results = {};
let db;
for (let fd = 3; fd < 256; fd++) { try { if (fs.readlinkSync('/proc/self/fd/' + fd).endsWith('/.governance/audit.db')) { db = fd; break; } } catch {} }
const outcome = (fn) => { try { fn(); return { outcome: 'done' }; } catch (e) { return { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; } };
results.found = db !== undefined;
results.spawnSync = outcome(() => { const r = cp.spawnSync('/usr/bin/printf', ['JUNK%8000s', 'x'], { stdio: ['ignore', db, 'inherit'] }); if (r.error) throw r.error; });
results.execFileSync = outcome(() => cp.execFileSync('/usr/bin/printf', ['JUNK%8000s', 'x'], { stdio: ['ignore', { fd: db }, 'inherit'] }));
const own = fs.openSync(path.join(process.cwd(), 'work', 'child.txt'), 'w');
results.control = outcome(() => { const r = cp.spawnSync('/usr/bin/printf', ['child'], { stdio: ['ignore', own, 'inherit'] }); if (r.error) throw r.error; });
fs.closeSync(own);
process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
`;

const [major, minor] = process.versions.node.split('.').map(Number);
const PERMISSION_FLAGS = [major > 22 || (major === 22 && minor >= 13) ? '--permission' : '--experimental-permission',
  '--allow-fs-read=*', '--allow-fs-write=*', '--allow-child-process', '--allow-addons', '--allow-worker'];

describe.each(LAUNCH_MODES)('the database\'s descriptor as a sync spawn\'s stdio under the permission model (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': PERMISSION_APP, 'work/.keep': '' } });
  const run = governedRun({ dir, mode, entry: 'app.cjs', policy: { level: 'production', default: 'allow' }, nodeFlags: PERMISSION_FLAGS });
  afterAll(() => removeProject(dir));

  it('refuses it in spawnSync and execFileSync, runs the control, and the log verifies', () => {
    const results = routeResults<Record<string, { outcome: string; code?: string; message?: string }> & { found: boolean }>(run);
    expect(results.found).toBe(true);
    expect(results.spawnSync).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(results.execFileSync).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(results.control).toEqual({ outcome: 'done' });
    expect(readFileSync(join(dir, 'work', 'child.txt'), 'utf8')).toBe('child');
    expect(run.entries().filter((e) => e.decision === 'deny' && e.violation === 'runtime_bypass' && /\/\.governance\/audit\.db$/.test(e.target)).length).toBe(2);
    expect(verifyProjectLog(dir).valid).toBe(true);
  });
});
