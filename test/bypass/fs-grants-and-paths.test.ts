// File routes that got past the check until 2026-11-22, under a production policy in the three launch modes (writes
// only below ok/, reads everywhere but secret/): a Buffer path that is not UTF-8 (checked as U+FFFD, opened as the
// bytes); program code run inside a governed call (a replaced Stats method Node's rm calls, an inherited option
// getter) using the call's grant; a relative path opened after a chdir (a stream opens on a later tick, the thread
// pool later still); and the descriptor functions a stream keeps, which were the originals. Each attempt must leave
// the protected files as they were, and the refusals must be in the audit log, whose chain still verifies.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject, verifyProjectLog } from '../helpers/governed-run';
import { printedResults } from '../helpers/route-results';

const APP = String.raw`
const fs = require('node:fs'), path = require('node:path');
const here = process.cwd();
const results = {};
function attempt(label, fn) { try { results[label] = { outcome: 'done', value: String(fn()) }; } catch (e) { results[label] = { outcome: 'thrown', code: e.code }; } }
const KEY = '.governance/keys/log-signing.key.pem';

// 1. A symlink named by the byte 0xFF: the check decoded the name as U+FFFD, a name that does not exist.
const link = Buffer.concat([Buffer.from(here + '/ok/'), Buffer.from([0xff])]);
attempt('non-UTF-8 link created', () => fs.symlinkSync('..', link));
const through = (rest) => Buffer.concat([link, Buffer.from(rest)]);
attempt('non-UTF-8 write', () => fs.writeFileSync(through('/prot.txt'), 'PWNED'));
attempt('non-UTF-8 read of a denied file', () => fs.readFileSync(through('/secret/s.txt'), 'utf8'));
attempt('non-UTF-8 read of the key', () => fs.readFileSync(through('/' + KEY), 'utf8').length);

// 2. Program code inside rmSync's window: Node's rm validation calls lstatSync(path).isDirectory().
fs.mkdirSync('ok/victim/inner', { recursive: true });
const isDirectory = fs.Stats.prototype.isDirectory;
const inside = {};
fs.Stats.prototype.isDirectory = function () {
  fs.Stats.prototype.isDirectory = isDirectory;
  for (const [label, fn] of [
    ['write through the tree grant', () => fs.writeFileSync('ok/victim/../../prot.txt', 'PWNED')],
    ['read of the key through the tree grant', () => fs.readFileSync('ok/victim/../../' + KEY, 'utf8').length],
    ['read of a denied file through the tree grant', () => fs.readFileSync('ok/victim/../../secret/s.txt', 'utf8')],
  ]) { try { inside[label] = { outcome: 'done', value: String(fn()) }; } catch (e) { inside[label] = { outcome: 'thrown', code: e.code }; } }
  return isDirectory.call(this);
};
attempt('rmSync recursive', () => fs.rmSync('ok/victim', { recursive: true }));
Object.assign(results, inside);

// 3. An inherited option getter run inside mkdirSync('ok/sw'): it turns ok/sw into a link to ../prot.txt and writes it.
attempt('write to the granted path after a symlink swap', () => {
  fs.symlinkSync('../prot.txt', 'ok/sw-link');
  let done = false;
  Object.defineProperty(Object.prototype, 'recursive', { configurable: true, get() {
    if (done) return false;
    done = true;
    try { fs.renameSync('ok/sw-link', 'ok/sw'); fs.writeFileSync(here + '/ok/sw', 'PWNED'); inside.swapped = 'wrote'; } catch (e) { inside.swapped = e.code; }
    return false;
  } });
  try { fs.mkdirSync(here + '/ok/sw', {}); } catch (e) { /* EEXIST: the link is there */ } finally { delete Object.prototype.recursive; }
  return inside.swapped;
});

// 3b. Program code inside writeFileSync (Node calls Buffer.from for a latin1 string) re-points the granted path.
attempt('write grant re-pointed from inside the call', () => {
  const granted = here + '/ok/p';
  fs.writeFileSync(granted, 'seed');
  const from = Buffer.from;
  let armed = true;
  Buffer.from = function (...args) {
    if (armed) { armed = false; fs.unlinkSync(granted); fs.symlinkSync(here + '/prot.txt', granted); }
    return from.apply(this, args);
  };
  try { fs.writeFileSync(granted, 'PWNED', 'latin1'); } finally { Buffer.from = from; }
});

// 4. Relative paths and chdir: decided in ok/, opened after the program went back up.
attempt('write stream after chdir', () => {
  process.chdir(here + '/ok');
  const stream = fs.createWriteStream('prot.txt');
  process.chdir(here);
  stream.end('PWNED');
  return 'started';
});
attempt('callback writeFile after chdir', () => {
  process.chdir(here + '/ok');
  fs.writeFile('prot2.txt', 'PWNED', () => {});
  process.chdir(here);
  return 'started';
});

// 5. The descriptor functions a stream keeps: write into the audit database through its descriptor.
attempt('write to the audit database through a stream\'s own fs', () => {
  const stream = fs.createReadStream(__filename);
  const kFs = Object.getOwnPropertySymbols(stream).find((s) => String(s) === 'Symbol(kFs)');
  const raw = stream[kFs];
  const fd = fs.readdirSync('/proc/self/fd').map(Number).find((n) => { try { return fs.readlinkSync('/proc/self/fd/' + n) === here + '/.governance/audit.db'; } catch { return false; } });
  if (fd === undefined) return 'no descriptor';
  results.dbWrite = 'pending';
  raw.write(fd, Buffer.from('PWNED'), 0, 5, 0, (e) => { results.dbWrite = e ? e.code : 'written'; });
  return 'called';
});

// 6. Recursion: listings name what is below, mkdir creates missing parents, and an inherited 'recursive' getter.
attempt('recursive readdir over a denied directory', () => fs.readdirSync('.', { recursive: true }).filter((name) => name.startsWith('secret')).join(','));
attempt('recursive readdir with file types', () => fs.readdirSync('.', { recursive: true, withFileTypes: true }).length);
attempt('recursive opendir', () => { const d = fs.opendirSync('.', { recursive: true }); let n = 0; while (d.readSync()) n++; d.closeSync(); return n; });
attempt('recursive readdir of an allowed tree', () => fs.readdirSync('ok/listed', { recursive: true }).sort().join(','));
attempt('recursive mkdir through a denied parent', () => fs.mkdirSync(here + '/forbidden/deep/ok/x', { recursive: true }));
attempt('recursive mkdir below ok', () => fs.mkdirSync(here + '/ok/made/deep', { recursive: true }));
attempt('rm with an inherited recursive getter', () => {
  let reads = 0;
  Object.defineProperty(Object.prototype, 'recursive', { configurable: true, get: () => reads++ > 0 });
  try { fs.rmSync(here + '/ok/tree', {}); } finally { delete Object.prototype.recursive; }
});

// 7. A recursive cp: Node 22+ copies in C++, through links at the destination and, with dereference, behind links
// in the source.
attempt('cp through a link already at the destination', () => {
  fs.mkdirSync('ok/cp-src'); fs.writeFileSync('ok/cp-src/a.txt', 'PWNED');
  fs.mkdirSync('ok/cp-dst'); fs.symlinkSync(here + '/prot.txt', 'ok/cp-dst/a.txt');
  fs.cpSync('ok/cp-src', 'ok/cp-dst', { recursive: true, force: true });
});
attempt('cp with dereference of a link to the key directory', () => {
  fs.mkdirSync('ok/cp-keys'); fs.symlinkSync(here + '/.governance/keys', 'ok/cp-keys/kd');
  fs.cpSync('ok/cp-keys', 'ok/cp-keys-out', { recursive: true, dereference: true });
  return fs.readdirSync('ok/cp-keys-out/kd').join(',');
});
attempt('allowed recursive cp', () => {
  fs.mkdirSync('ok/cp-plain/sub', { recursive: true }); fs.writeFileSync('ok/cp-plain/sub/b.txt', 'b');
  fs.cpSync('ok/cp-plain', 'ok/cp-plain-out', { recursive: true });
  return fs.readFileSync('ok/cp-plain-out/sub/b.txt', 'utf8');
});

// 8. What Node gives back stays as relative as what the caller gave.
attempt('relative paths given back', () => {
  process.chdir(here + '/ok');
  try {
    const made = fs.mkdtempSync('tmp-');
    const first = fs.mkdirSync('made-rel/a', { recursive: true });
    const stream = fs.createReadStream('made-rel/../../prot.txt');
    stream.on('error', () => {});
    stream.destroy();
    const dir = fs.opendirSync('made-rel');
    dir.closeSync();
    return [made.startsWith('tmp-'), first, stream.path, dir.path].join(',');
  } finally { process.chdir(here); }
});
process.chdir(here + '/ok');
fs.mkdtemp('cb-', (error, made) => { results['relative mkdtemp, callback'] = String(error) + ',' + made.startsWith('cb-'); });
fs.promises.mkdtemp('pr-').then((made) => { results['relative mkdtemp, promise'] = made.startsWith('pr-'); });
process.chdir(here);

// 9. Node's errors name the paths as the caller gave them, as under plain node.
const named = (e) => [e.path, e.dest, e.message].join('|');
attempt('error of a relative path, sync', () => { try { fs.readFileSync('missing.txt'); } catch (e) { return named(e); } });
attempt('error of two relative paths, sync', () => { try { fs.renameSync('ok/missing-a', 'ok/missing-b'); } catch (e) { return named(e); } });
fs.stat('missing-cb.txt', (e) => { results['error of a relative path, callback'] = named(e); });
attempt('cp filter paths', () => {
  const seen = [];
  fs.cpSync('./ok/cp-plain', 'ok/cp-filter-out', { recursive: true, filter: (source, destination) => { seen.push(source + '>' + destination); return true; } });
  return seen.join(',');
});
fs.promises.open('missing-pr.txt').catch((e) => { results['error of a relative path, promise'] = named(e); });

setTimeout(() => process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n'), 300);
`;

interface Outcome {
  outcome: string;
  code?: string;
  value?: string;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeProject));

describe.each(LAUNCH_MODES)('fs grants, relative paths and raw stream functions (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'prot.txt': 'original', 'prot2.txt': 'original', 'secret/s.txt': 'TOPSECRET', 'ok/.keep': '', 'ok/listed/a/b.txt': '', 'ok/tree/keep/kept.txt': 'kept' } });
  dirs.push(dir);
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    policy: {
      level: 'production',
      default: 'deny',
      rules: [
        { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
        { id: 'no-secret', action: 'file_read', target: `${dir}/secret/**`, effect: 'deny' },
        { id: 'ok', action: 'file_write', target: [`${dir}/ok`, `${dir}/ok/**`, `${dir}/forbidden/deep/ok/**`], effect: 'allow' },
        { id: 'keep', action: 'file_write', target: `${dir}/ok/tree/keep/**`, effect: 'deny' },
      ],
    },
  });
  const results = printedResults<Record<string, Outcome | string>>(run);
  const outcome = (label: string): Outcome => results[label] as Outcome;
  const entries = run.entries();

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it('the protected files kept their content, and the secret and the key were not read', () => {
    expect(readFileSync(join(dir, 'prot.txt'), 'utf8')).toBe('original');
    expect(readFileSync(join(dir, 'prot2.txt'), 'utf8')).toBe('original');
    expect(JSON.stringify(results)).not.toContain('TOPSECRET');
    expect(JSON.stringify(results)).not.toContain('BEGIN');
  });

  it('a Buffer path that is not UTF-8 is decided as the file Node opens', () => {
    for (const label of ['non-UTF-8 write', 'non-UTF-8 read of a denied file', 'non-UTF-8 read of the key']) {
      expect(outcome(label).outcome, label).toBe('thrown');
    }
  });

  it('program code run inside a governed call gets no grant for other paths', () => {
    expect(outcome('rmSync recursive')).toEqual({ outcome: 'done', value: 'undefined' });
    expect(outcome('write through the tree grant')).toEqual({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(outcome('read of the key through the tree grant')).toEqual({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(outcome('read of a denied file through the tree grant')).toEqual({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(outcome('write to the granted path after a symlink swap')).toEqual({ outcome: 'done', value: 'EGOVDENIED' });
    expect(outcome('write grant re-pointed from inside the call')).toEqual({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(entries.some((e) => e.action === 'file_write' && e.target === join(dir, 'prot.txt') && e.decision === 'deny')).toBe(true);
  });

  it('a relative path is opened where it was decided, whatever the directory is by then', () => {
    expect(readFileSync(join(dir, 'ok', 'prot.txt'), 'utf8')).toBe('PWNED');
    expect(readFileSync(join(dir, 'ok', 'prot2.txt'), 'utf8')).toBe('PWNED');
  });

  it('a recursive listing is refused where a rule refuses reading below; an allowed tree lists', () => {
    for (const label of ['recursive readdir over a denied directory', 'recursive readdir with file types', 'recursive opendir']) {
      expect(outcome(label), label).toEqual({ outcome: 'thrown', code: 'EGOVDENIED' });
    }
    expect(outcome('recursive readdir of an allowed tree')).toEqual({ outcome: 'done', value: 'a,a/b.txt' });
  });

  it('recursive mkdir decides each parent it creates', () => {
    expect(outcome('recursive mkdir through a denied parent')).toEqual({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(existsSync(join(dir, 'forbidden'))).toBe(false);
    expect(outcome('recursive mkdir below ok').outcome).toBe('done');
    expect(existsSync(join(dir, 'ok', 'made', 'deep'))).toBe(true);
  });

  it('an inherited recursive getter cannot turn a checked rm into a recursive one', () => {
    expect(outcome('rm with an inherited recursive getter').outcome).toBe('thrown');
    expect(readFileSync(join(dir, 'ok', 'tree', 'keep', 'kept.txt'), 'utf8')).toBe('kept');
  });

  it('a recursive cp decides each destination entry through its links, and what a dereferenced source link holds', () => {
    expect(outcome('cp through a link already at the destination')).toEqual({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(outcome('cp with dereference of a link to the key directory')).toEqual({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(existsSync(join(dir, 'ok', 'cp-keys-out', 'kd'))).toBe(false);
    expect(outcome('allowed recursive cp')).toEqual({ outcome: 'done', value: 'b' });
  });

  it('what Node gives back for a relative path stays relative: mkdtemp, recursive mkdir, a stream\'s and a Dir\'s path', () => {
    expect(outcome('relative paths given back')).toEqual({ outcome: 'done', value: 'true,made-rel,made-rel/../../prot.txt,made-rel' });
    expect(results['relative mkdtemp, callback']).toBe('null,true');
    expect(results['relative mkdtemp, promise']).toBe(true);
  });

  it('Node\'s errors name a relative path as the caller gave it, in every form', () => {
    expect(outcome('error of a relative path, sync').value).toBe("missing.txt||ENOENT: no such file or directory, open 'missing.txt'");
    expect(outcome('error of two relative paths, sync').value).toBe("ok/missing-a|ok/missing-b|ENOENT: no such file or directory, rename 'ok/missing-a' -> 'ok/missing-b'");
    expect(results['error of a relative path, callback']).toBe("missing-cb.txt||ENOENT: no such file or directory, stat 'missing-cb.txt'");
    expect(results['error of a relative path, promise']).toBe("missing-pr.txt||ENOENT: no such file or directory, open 'missing-pr.txt'");
  });

  it('a cp filter gets the paths as plain node gives them, below the relative paths the caller gave', () => {
    expect(outcome('cp filter paths').value).toBe('./ok/cp-plain>ok/cp-filter-out,ok/cp-plain/sub>ok/cp-filter-out/sub,ok/cp-plain/sub/b.txt>ok/cp-filter-out/sub/b.txt');
  });

  it('a stream\'s own descriptor functions are governed: the audit database stays intact', () => {
    expect(outcome("write to the audit database through a stream's own fs")).toEqual({ outcome: 'done', value: 'called' });
    expect(results.dbWrite).toBe('EGOVDENIED');
    expect(verifyProjectLog(dir).valid).toBe(true);
  });
});
