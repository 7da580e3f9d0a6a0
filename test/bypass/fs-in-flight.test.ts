// An asynchronous fs call is decided when it is made, but its system call runs later, on the thread pool (a stream
// opens on a later tick; a Blob of fs.openAsBlob opens its file by name at each read; fs.watchFile stats its path by
// name at each interval; a recursive Dir or readdir opens each subdirectory by name after listing the one above). Keep the pool busy, make the call on `ok/d/...` (`ok/d` a link to `ok/sub`), then re-point
// `ok/d` at the project: the call followed the new link, deterministically, on the same thread, and read the signing
// key or a read-denied file, or wrote into a write-denied directory, while the log showed `ok/sub/...` allowed. A new
// name made on the way of a call in flight is now decided as that call through it.
import { existsSync, readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject, writeOnlyInOkPolicy } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const fs = require('node:fs'), path = require('node:path'), crypto = require('node:crypto');
const here = process.cwd();
const results = {};
let n = 0;
function busyPool() {
  for (let i = 0; i < 4; i++) crypto.pbkdf2('x', 'y', 200000, 32, 'sha256', () => {});
}
// start(link) makes the call through the link and returns a promise of its outcome; the link is then re-pointed.
async function attempt(label, redirect, start) {
  const link = path.join(here, 'ok', 'd' + ++n);
  fs.symlinkSync(path.join(here, 'ok', 'sub'), link);
  busyPool();
  const call = start(link).then((value) => ({ outcome: 'done', value }), (e) => ({ outcome: 'failed', code: e && e.code }));
  let swap;
  try { redirect(link); swap = { outcome: 'done' }; }
  catch (e) { swap = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
  results[label] = { swap, call: await call };
}
const unlinkThenLink = (link) => { fs.unlinkSync(link); fs.symlinkSync(here, link); };
const renameOnto = (link) => { const evil = link + '-evil'; fs.symlinkSync(here, evil); fs.renameSync(evil, link); };
const viaCallback = (fn) => new Promise((resolve, reject) => fn((e, v) => (e ? reject(e) : resolve(v))));
(async () => {
  await attempt('fs.promises.readFile of the signing key, link renamed over', renameOnto,
    (d) => fs.promises.readFile(path.join(d, '.governance', 'keys', 'log-signing.key.pem'), 'utf8'));
  await attempt('fs.copyFile of a read-denied file, link replaced', unlinkThenLink,
    (d) => viaCallback((cb) => fs.copyFile(path.join(d, 'denied', 'secret.txt'), path.join(here, 'ok', 'copy.txt'), cb)).then(() => fs.readFileSync(path.join(here, 'ok', 'copy.txt'), 'utf8')));
  await attempt('fs.writeFile into a write-denied directory, link replaced', unlinkThenLink,
    (d) => viaCallback((cb) => fs.writeFile(path.join(d, 'denied', 'planted.txt'), 'PLANTED', cb)));
  await attempt('createWriteStream into a write-denied directory, link renamed over', renameOnto,
    (d) => new Promise((resolve, reject) => { const s = fs.createWriteStream(path.join(d, 'denied', 'stream.txt')); s.on('error', reject); s.end('STREAM', resolve); }));
  // Node opens a Blob's file by name at each read, and refuses it only if size and modification time changed.
  {
    const link = path.join(here, 'ok', 'blob-link');
    fs.symlinkSync(path.join(here, 'ok', 'sub'), link);
    const blob = await fs.openAsBlob(path.join(link, 'denied', 'blob.txt'));
    let swap;
    try { renameOnto(link); swap = { outcome: 'done' }; }
    catch (e) { swap = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
    const call = await blob.text().then((value) => ({ outcome: 'done', value }), (e) => ({ outcome: 'failed', code: e && e.code }));
    results['fs.openAsBlob of a read-denied file, read after the link was renamed over'] = { swap, call };
  }
  // A slice, and an object URL turned back into a Blob, share the Blob's data (read by name) and outlive it: until
  // 2026-11-23 the path left the record when the Blob was collected, and the slice read the denied file afterwards.
  {
    const link = path.join(here, 'ok', 'blob-link2');
    fs.symlinkSync(path.join(here, 'ok', 'sub'), link);
    let blob = await fs.openAsBlob(path.join(link, 'denied', 'blob.txt'));
    const slice = blob.slice();
    const url = URL.createObjectURL(blob);
    blob = null;
    for (let round = 0; round < 30; round++) {
      let junk = [];
      for (let i = 0; i < 200000; i++) junk.push({ i });
      junk = null;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    let swap;
    try { renameOnto(link); swap = { outcome: 'done' }; }
    catch (e) { swap = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
    const read = (b) => b.text().then((value) => value, (e) => 'failed ' + (e && e.code));
    const call = { outcome: 'done', value: [await read(slice), await read(require('node:buffer').resolveObjectURL(url))] };
    results['a slice and an object URL of an fs.openAsBlob Blob, read after it was collected and the link renamed over'] = { swap, call };
  }
  // Node stats a watched file by name at every interval, for as long as it is watched.
  {
    const link = path.join(here, 'ok', 'watch-link');
    fs.symlinkSync(path.join(here, 'ok', 'sub'), link);
    const watched = path.join(link, 'denied', 'secret.txt');
    const sizes = [];
    fs.watchFile(watched, { interval: 10 }, (current) => sizes.push(current.size));
    await new Promise((resolve) => setTimeout(resolve, 100)); // the watcher's first stat (the decoy) is its baseline
    let swap;
    try { renameOnto(link); swap = { outcome: 'done' }; }
    catch (e) { swap = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
    await new Promise((resolve) => setTimeout(resolve, 200));
    fs.unwatchFile(watched);
    results['fs.watchFile of a read-denied file, polled after the link was renamed over'] = { swap, call: { outcome: 'done', value: sizes } };
  }
  // A recursive Dir opens each subdirectory by name when it hands out its entry: tree/a (the only entry at the top) is
  // opened by the first read, tree/a/zsub by the second.
  {
    const zsub = path.join(here, 'ok', 'tree', 'a', 'zsub');
    fs.mkdirSync(zsub, { recursive: true });
    const dir = fs.opendirSync(path.join(here, 'ok', 'tree'), { recursive: true });
    const names = [dir.readSync().name];
    let swap;
    try { fs.renameSync(zsub, zsub + '-away'); fs.symlinkSync(here, zsub); swap = { outcome: 'done' }; }
    catch (e) { swap = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
    let listed = 'done';
    try { for (let entry; (entry = dir.readSync()) !== null;) names.push(path.join(entry.parentPath ?? entry.path, entry.name)); }
    catch (e) { listed = e.code; }
    dir.closeSync();
    results['recursive opendir, a subdirectory replaced by a link to the project while it is read'] = { swap, call: { outcome: listed, value: names.filter((n) => n.includes('denied') || n.includes('.governance')) } };
  }
  // A recursive readdir reads each subdirectory by name on the pool, after the listing above it: kept waiting behind a
  // busy pool while listed/zsub is replaced by a link to the project.
  {
    const zsub = path.join(here, 'ok', 'listed', 'zsub');
    fs.mkdirSync(zsub, { recursive: true });
    let pending = true;
    const listing = fs.promises.readdir(path.join(here, 'ok', 'listed'), { recursive: true }).then((names) => names, (e) => [String(e && e.code)]).finally(() => { pending = false; });
    busyPool();
    await new Promise((resolve) => setTimeout(resolve, 30));
    let swap;
    // vault/ is readable, vault/inner/ read-denied; a link to the project itself would loop through ok/.
    const pendingAtSwap = pending;
    try { fs.renameSync(zsub, zsub + '-away'); fs.symlinkSync(path.join(here, 'vault'), zsub); swap = { outcome: 'done' }; }
    catch (e) { swap = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
    const names = await listing;
    results['recursive fs.promises.readdir, a subdirectory replaced by a link while it is listed'] = { swap, pendingAtSwap, call: { outcome: 'done', value: names.filter((n) => n.includes('hidden')) } };
  }
  // Positive controls: an atomic replace of a file being read, and links made beside calls in flight.
  fs.writeFileSync(path.join(here, 'ok', 'config.json'), 'old');
  fs.writeFileSync(path.join(here, 'ok', 'config.json.tmp'), 'new');
  busyPool();
  const reading = fs.promises.readFile(path.join(here, 'ok', 'config.json'), 'utf8');
  fs.renameSync(path.join(here, 'ok', 'config.json.tmp'), path.join(here, 'ok', 'config.json'));
  fs.symlinkSync(here, path.join(here, 'ok', 'beside'));
  results['positive control: replace a file being read, link beside it'] = { read: await reading, after: fs.readFileSync(path.join(here, 'ok', 'config.json'), 'utf8'), beside: fs.readlinkSync(path.join(here, 'ok', 'beside')) === here };
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
})();
`;

type Attempt = { swap: { outcome: string; code?: string; message?: string }; pendingAtSwap?: boolean; call: { outcome: string; value?: unknown } };

const REFUSED: Record<string, (dir: string) => string> = {
  'fs.promises.readFile of the signing key, link renamed over': (dir) => `file_read:${dir}/.governance/keys/log-signing.key.pem`,
  'fs.copyFile of a read-denied file, link replaced': (dir) => `file_read:${dir}/denied/secret.txt`,
  'fs.writeFile into a write-denied directory, link replaced': (dir) => `file_write:${dir}/denied/planted.txt`,
  'createWriteStream into a write-denied directory, link renamed over': (dir) => `file_write:${dir}/denied/stream.txt`,
  'fs.openAsBlob of a read-denied file, read after the link was renamed over': (dir) => `file_read:${dir}/denied/blob.txt`,
  'a slice and an object URL of an fs.openAsBlob Blob, read after it was collected and the link renamed over': (dir) => `file_read:${dir}/denied/blob.txt`,
  'fs.watchFile of a read-denied file, polled after the link was renamed over': (dir) => `file_read:${dir}/denied/secret.txt`,
};

describe.each(LAUNCH_MODES)('a link re-pointed under an fs call in flight (%s)', (mode) => {
  const dir = createProject({
    files: { 'app.cjs': APP, 'ok/sub/denied/blob.txt': 'xxxxxxxxxx', 'denied/blob.txt': 'BLOBSECRET', 'ok/sub/denied/secret.txt': 'decoy', 'ok/sub/.governance/keys/log-signing.key.pem': 'decoy', 'denied/secret.txt': 'SECRET', 'vault/inner/hidden.txt': 'VAULT' },
  });
  const stamp = new Date(1_700_000_000_000);
  utimesSync(join(dir, 'ok', 'sub', 'denied', 'blob.txt'), stamp, stamp);
  utimesSync(join(dir, 'denied', 'blob.txt'), stamp, stamp);
  const policy = writeOnlyInOkPolicy(dir, {
    rules: [
      { id: 'no-secret', action: 'file_read', target: `${dir}/denied/**`, effect: 'deny' },
      { id: 'no-vault', action: 'file_read', target: `${dir}/vault/inner/**`, effect: 'deny' },
    ],
  });
  const run = governedRun({ dir, mode, entry: 'app.cjs', policy });
  const results = run.status === 0 ? routeResults<Record<string, Attempt>>(run) : {};
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(Object.keys(REFUSED))('%s: the re-pointing is refused as the call through it, and recorded', (label) => {
    const action = REFUSED[label](dir);
    expect(results[label].swap, JSON.stringify(results[label])).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(results[label].swap.message).toContain(action);
    const colon = action.indexOf(':');
    expect(run.entries().some((e) => e.action === action.slice(0, colon) && e.target === action.slice(colon + 1) && e.decision === 'deny')).toBe(true);
  });

  it('nothing was reached: the key and the secret were not read, nothing was written in denied/', () => {
    expect(JSON.stringify(results)).not.toContain('PRIVATE KEY');
    expect(JSON.stringify(results)).not.toContain('SECRET');
    expect(results['fs.openAsBlob of a read-denied file, read after the link was renamed over'].call).toEqual({ outcome: 'done', value: 'xxxxxxxxxx' });
    expect(results['fs.watchFile of a read-denied file, polled after the link was renamed over'].call).toEqual({ outcome: 'done', value: [] });
    expect(results['a slice and an object URL of an fs.openAsBlob Blob, read after it was collected and the link renamed over'].call).toEqual({ outcome: 'done', value: ['xxxxxxxxxx', 'xxxxxxxxxx'] });
    expect(existsSync(join(dir, 'denied', 'planted.txt'))).toBe(false);
    expect(existsSync(join(dir, 'denied', 'stream.txt'))).toBe(false);
    expect(readFileSync(join(dir, 'denied', 'secret.txt'), 'utf8')).toBe('SECRET');
  });

  it.each([
    'recursive opendir, a subdirectory replaced by a link to the project while it is read',
    'recursive fs.promises.readdir, a subdirectory replaced by a link while it is listed',
  ])('%s: the link made below it is refused as the listing it would make, and nothing of it was listed', (label) => {
    const attempt = results[label];
    expect(attempt.call.value, JSON.stringify(attempt)).toEqual([]);
    // Node 26 lists a recursive readdir before the pool frees up here: nothing is left in flight to re-point.
    if (attempt.pendingAtSwap === false) return;
    expect(attempt.swap, JSON.stringify(attempt)).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(run.entries().some((e) => e.action === 'file_read' && e.decision === 'deny' && e.target.startsWith(dir) && /\/(denied|\.governance|vault)\b/.test(e.target))).toBe(true);
  });

  it('a refused re-pointing leaves the call on what was decided', () => {
    expect(results['fs.promises.readFile of the signing key, link renamed over'].call).toEqual({ outcome: 'done', value: 'decoy' });
  });

  it('positive control: a file replaced while it is read, and a link made beside calls in flight', () => {
    expect(results['positive control: replace a file being read, link beside it']).toEqual({ read: expect.stringMatching(/^(old|new)$/), after: 'new', beside: true });
  });
});
