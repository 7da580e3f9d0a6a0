// fchmod, fchown, futimes and FileHandle#chmod/chown/utimes change a file's metadata through a descriptor,
// whatever mode it was opened in: a program may open a write-protected file for reading, then make it writable
// by anyone. Each is decided as a write of the file the descriptor names, in every API form.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const fs = require('node:fs'), path = require('node:path');
const here = process.cwd();
const data = path.join(here, 'protected', 'data.txt');
const results = {};
async function attempt(label, fn) {
  try { await fn(); results[label] = { outcome: 'done' }; }
  catch (e) { results[label] = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
}
const callback = (fn) => new Promise((resolve, reject) => fn((e) => (e ? reject(e) : resolve())));
(async () => {
  const fd = fs.openSync(data, 'r');
  const handle = await fs.promises.open(data, 'r');
  await attempt('fchmodSync', () => fs.fchmodSync(fd, 0o777));
  await attempt('fchmod', () => callback((done) => fs.fchmod(fd, 0o777, done)));
  await attempt('fchownSync', () => fs.fchownSync(fd, process.getuid(), process.getgid()));
  await attempt('futimesSync', () => fs.futimesSync(fd, 0, 0));
  await attempt('futimes', () => callback((done) => fs.futimes(fd, 0, 0, done)));
  await attempt('FileHandle#chmod', () => handle.chmod(0o777));
  await attempt('FileHandle#chown', () => handle.chown(process.getuid(), process.getgid()));
  await attempt('FileHandle#utimes', () => handle.utimes(0, 0));
  await handle.close();
  const own = fs.openSync(path.join(here, 'work', 'own.txt'), 'r');
  await attempt('fchmod of a file of the work directory', () => fs.fchmodSync(own, 0o600));
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
})();
`;

const DENIED = ['fchmodSync', 'fchmod', 'fchownSync', 'futimesSync', 'futimes', 'FileHandle#chmod', 'FileHandle#chown', 'FileHandle#utimes'];

describe.each(LAUNCH_MODES)('metadata changes through a descriptor of a write-protected file (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'protected/data.txt': 'original', 'work/own.txt': 'own' } });
  const before = statSync(join(dir, 'protected', 'data.txt'));
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    policy: { level: 'production', default: 'allow', rules: [{ id: 'read-only', action: 'file_write', target: `${dir}/protected/**`, effect: 'deny' }] },
  });
  const outcomes = run.status === 0 ? routeResults<Record<string, { outcome: string; code?: string; message?: string }>>(run) : {};
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(DENIED)('%s is refused as a write of the file', (label) => {
    expect(outcomes[label], JSON.stringify(outcomes[label])).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(outcomes[label].message).toContain(`file_write:${dir}/protected/data.txt`);
  });

  it('the file\'s mode and times are unchanged, and the refusals are recorded', () => {
    const after = statSync(join(dir, 'protected', 'data.txt'));
    expect(after.mode).toBe(before.mode);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    const denials = run.entries().filter((e) => e.action === 'file_write' && e.target === `${dir}/protected/data.txt` && e.decision === 'deny');
    expect(denials.length).toBe(DENIED.length);
  });

  it('positive control: a file of the work directory can be changed through its descriptor', () => {
    expect(outcomes['fchmod of a file of the work directory']).toEqual({ outcome: 'done' });
    expect(statSync(join(dir, 'work', 'own.txt')).mode & 0o777).toBe(0o600);
  });
});
