// Program code run between two decisions of one fs call. A call with several paths (link, copyFile, rename, cp) or
// with options a tree check reads (rm, mkdir, readdir, cp) converted its second path, or read its options, after its
// first path was decided: a URL-like object's `href` getter, a byte path's `valueOf` (Buffer.from calls it, also on
// governance's own copy, converted again after the decisions), an
// options getter ran there and re-pointed `ok/d`, a symlink on the first path's way, from `ok/sub` to the project.
// The call then acted on `.governance/keys/...` or `denied/...` while the log showed `ok/sub/...` allowed. Every
// path and option is now converted before the first decision.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject, writeOnlyInOkPolicy } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const fs = require('node:fs'), path = require('node:path');
const here = process.cwd();
const d = path.join(here, 'ok', 'd');
const key = path.join(d, '.governance', 'keys', 'log-signing.key.pem');
const reset = () => { try { fs.unlinkSync(d); } catch {} fs.symlinkSync(path.join(here, 'ok', 'sub'), d); };
const swap = () => { fs.unlinkSync(d); fs.symlinkSync(here, d); };
function swappingUrl(p) {
  let done = false;
  return { get href() { if (!done) { done = true; swap(); } return 'file://' + p; }, protocol: 'file:', hostname: '', pathname: p };
}
// Buffer.from(bytes) calls bytes.valueOf: a replaced Buffer.prototype.valueOf ran when governance copied a byte path.
let valueOfCalls = -1;
Object.defineProperty(Buffer.prototype, 'valueOf', { configurable: true, value() { if (valueOfCalls >= 0 && ++valueOfCalls === 2) swap(); return this; } });
const results = {};
function attempt(label, fn) {
  reset();
  try { results[label] = { outcome: 'done', value: fn() }; }
  catch (e) { results[label] = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
}
attempt('linkSync, the new name a URL whose getter swaps the link', () => {
  fs.linkSync(key, swappingUrl(path.join(here, 'ok', 'key-url.pem')));
  return fs.readFileSync(path.join(here, 'ok', 'key-url.pem'), 'utf8').slice(0, 27);
});
attempt('renameSync of a byte path, Buffer.prototype.valueOf swapping the link', () => {
  valueOfCalls = 0;
  try { fs.renameSync(Buffer.from(path.join(d, 'denied', 'victim.txt')), path.join(here, 'ok', 'moved.txt')); } finally { valueOfCalls = -1; }
  return fs.readFileSync(path.join(here, 'ok', 'moved.txt'), 'utf8');
});
attempt('copyFileSync of a read-denied file, the copy a URL whose getter swaps the link', () => {
  fs.copyFileSync(path.join(d, 'denied', 'secret.txt'), swappingUrl(path.join(here, 'ok', 'copy.txt')));
  return fs.readFileSync(path.join(here, 'ok', 'copy.txt'), 'utf8');
});
attempt('mkdirSync in a write-denied directory, a recursive getter swapping the link', () => {
  fs.mkdirSync(path.join(d, 'denied', 'planted'), { get recursive() { swap(); return false; } });
});
attempt('positive control: linkSync and copyFileSync with URL objects in ok', () => {
  fs.writeFileSync(path.join(here, 'ok', 'own.txt'), 'own');
  fs.linkSync(new URL('file://' + path.join(here, 'ok', 'own.txt')), new URL('file://' + path.join(here, 'ok', 'own-link.txt')));
  fs.copyFileSync(Buffer.from(path.join(here, 'ok', 'own.txt')), new URL('file://' + path.join(here, 'ok', 'own-copy.txt')));
  fs.mkdirSync(path.join(here, 'ok', 'made', 'deep'), { recursive: true });
  return fs.readFileSync(path.join(here, 'ok', 'own-link.txt'), 'utf8') + fs.readFileSync(path.join(here, 'ok', 'own-copy.txt'), 'utf8');
});
process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
`;

type Outcome = { outcome: string; code?: string; message?: string; value?: unknown };

const REFUSED: Record<string, (dir: string) => string> = {
  'linkSync, the new name a URL whose getter swaps the link': (dir) => `file_read:${dir}/.governance/keys/log-signing.key.pem`,
  'copyFileSync of a read-denied file, the copy a URL whose getter swaps the link': (dir) => `file_read:${dir}/denied/secret.txt`,
  'mkdirSync in a write-denied directory, a recursive getter swapping the link': (dir) => `file_write:${dir}/denied/planted`,
};

describe.each(LAUNCH_MODES)('program code run between the decisions of one fs call (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'ok/sub/denied/secret.txt': 'decoy', 'ok/sub/denied/victim.txt': 'decoy', 'denied/victim.txt': 'VICTIM', 'ok/sub/.governance/keys/log-signing.key.pem': 'decoy', 'denied/secret.txt': 'SECRET' } });
  const policy = writeOnlyInOkPolicy(dir, { rules: [{ id: 'no-secret', action: 'file_read', target: `${dir}/denied/**`, effect: 'deny' }] });
  const run = governedRun({ dir, mode, entry: 'app.cjs', policy });
  const outcomes = run.status === 0 ? routeResults<Record<string, Outcome>>(run) : {};
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(Object.keys(REFUSED))('%s: refused on the path Node would act on, and recorded', (label) => {
    const action = REFUSED[label](dir);
    expect(outcomes[label], JSON.stringify(outcomes[label])).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(outcomes[label].message).toContain(action);
    const [kind, target] = [action.slice(0, action.indexOf(':')), action.slice(action.indexOf(':') + 1)];
    expect(run.entries().some((e) => e.action === kind && e.target === target && e.decision === 'deny')).toBe(true);
  });

  it('nothing was reached: no link to the key, no copy of the secret, nothing planted', () => {
    expect(existsSync(join(dir, 'ok', 'key-url.pem'))).toBe(false);
    expect(existsSync(join(dir, 'ok', 'copy.txt'))).toBe(false);
    expect(existsSync(join(dir, 'denied', 'planted'))).toBe(false);
    expect(readFileSync(join(dir, 'denied', 'secret.txt'), 'utf8')).toBe('SECRET');
  });

  it('a byte path is copied without running the program\'s valueOf: the rename moved the file it decided', () => {
    expect(outcomes['renameSync of a byte path, Buffer.prototype.valueOf swapping the link']).toEqual({ outcome: 'done', value: 'decoy' });
    expect(readFileSync(join(dir, 'denied', 'victim.txt'), 'utf8')).toBe('VICTIM');
  });

  it('positive control: URL and byte paths in the writable directory still work', () => {
    expect(outcomes['positive control: linkSync and copyFileSync with URL objects in ok']).toEqual({ outcome: 'done', value: 'ownown' });
  });
});
