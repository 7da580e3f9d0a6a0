// A hard link is a second name for the same file: a program that may read a write-protected file but may
// write elsewhere could link it into an allowed directory and write it through the new name. Linking is
// decided as a write of the existing file too, by every API form; the protected file stays as it was.
import { readFileSync } from 'node:fs';
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
  try { results[label] = { outcome: 'done', value: await fn() }; }
  catch (e) { results[label] = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
}
(async () => {
  await attempt('linkSync, then a write through the new name', () => { fs.linkSync(data, path.join(here, 'work', 'sync.txt')); fs.writeFileSync(path.join(here, 'work', 'sync.txt'), 'CHANGED'); });
  await attempt('fs.promises.link', () => fs.promises.link(data, path.join(here, 'work', 'promise.txt')));
  await attempt('fs.link with a callback', () => new Promise((resolve, reject) => fs.link(data, path.join(here, 'work', 'callback.txt'), (e) => (e ? reject(e) : resolve()))));
  await attempt('reading the protected file', () => fs.readFileSync(data, 'utf8'));
  await attempt('linking a file of the work directory', () => { fs.linkSync(path.join(here, 'work', 'own.txt'), path.join(here, 'work', 'own-link.txt')); return fs.readFileSync(path.join(here, 'work', 'own-link.txt'), 'utf8'); });
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
})();
`;

const DENIED = ['linkSync, then a write through the new name', 'fs.promises.link', 'fs.link with a callback'];

describe.each(LAUNCH_MODES)('hard links to a write-protected file (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'protected/data.txt': 'original', 'work/own.txt': 'own' } });
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    policy: { level: 'production', default: 'allow', rules: [{ id: 'read-only', action: 'file_write', target: `${dir}/protected/**`, effect: 'deny' }] },
  });
  const outcomes = run.status === 0 ? routeResults<Record<string, { outcome: string; code?: string; message?: string; value?: unknown }>>(run) : {};
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(DENIED)('%s is refused as a write of the protected file', (label) => {
    expect(outcomes[label], JSON.stringify(outcomes[label])).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(outcomes[label].message).toContain(`file_write:${dir}/protected/data.txt`);
  });

  it('the protected file is unchanged and the refusals are recorded', () => {
    expect(readFileSync(join(dir, 'protected', 'data.txt'), 'utf8')).toBe('original');
    const denials = run.entries().filter((e) => e.action === 'file_write' && e.target === `${dir}/protected/data.txt` && e.decision === 'deny');
    expect(denials.length).toBe(DENIED.length);
  });

  it('positive controls: the protected file is readable, and files of the work directory can be linked', () => {
    expect(outcomes['reading the protected file']).toEqual({ outcome: 'done', value: 'original' });
    expect(outcomes['linking a file of the work directory']).toEqual({ outcome: 'done', value: 'own' });
  });
});
