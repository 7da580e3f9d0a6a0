// Path rules name paths: renaming an ancestor of a protected directory would move the protected files to a
// path no rule names, where they could be written. A rename of a directory with a guarded path below it
// decides every entry below, in every API form; renaming a directory nothing guards stays two decisions.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const fs = require('node:fs'), path = require('node:path');
const here = process.cwd();
const data = path.join(here, 'data');
const results = {};
async function attempt(label, fn) {
  try { await fn(); results[label] = { outcome: 'done' }; }
  catch (e) { results[label] = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
}
(async () => {
  await attempt('renameSync of the ancestor, then a write', () => { fs.renameSync(data, path.join(here, 'moved')); fs.writeFileSync(path.join(here, 'moved', 'protected', 'file.txt'), 'CHANGED'); });
  await attempt('fs.promises.rename of the ancestor', () => fs.promises.rename(data, path.join(here, 'moved')));
  await attempt('fs.rename of the ancestor', () => new Promise((resolve, reject) => fs.rename(data, path.join(here, 'moved'), (e) => (e ? reject(e) : resolve()))));
  await attempt('renaming a directory nothing guards', () => fs.renameSync(path.join(here, 'free'), path.join(here, 'free-moved')));
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
})();
`;

const DENIED = ['renameSync of the ancestor, then a write', 'fs.promises.rename of the ancestor', 'fs.rename of the ancestor'];

describe.each(LAUNCH_MODES)('renaming an ancestor of a write-protected directory (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'data/protected/file.txt': 'original', 'data/other.txt': 'other', 'free/a.txt': 'a' } });
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    policy: { level: 'production', default: 'allow', rules: [{ id: 'read-only', action: 'file_write', target: `${dir}/data/protected/**`, effect: 'deny' }] },
  });
  const outcomes = run.status === 0 ? routeResults<Record<string, { outcome: string; code?: string; message?: string }>>(run) : {};
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(DENIED)('%s is refused as a write below the protected path', (label) => {
    expect(outcomes[label], JSON.stringify(outcomes[label])).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(outcomes[label].message).toContain(`file_write:${dir}/data/protected`);
  });

  it('nothing moved and the protected file is unchanged', () => {
    expect(existsSync(join(dir, 'moved'))).toBe(false);
    expect(readFileSync(join(dir, 'data', 'protected', 'file.txt'), 'utf8')).toBe('original');
  });

  it('positive control: a directory nothing guards is renamed with two decisions, not one per entry', () => {
    expect(outcomes['renaming a directory nothing guards']).toEqual({ outcome: 'done' });
    expect(existsSync(join(dir, 'free-moved', 'a.txt'))).toBe(true);
    const freeEntries = run.entries().filter((e) => e.action === 'file_write' && e.target.startsWith(`${dir}/free`));
    expect(freeEntries.map((e) => e.target).sort()).toEqual([`${dir}/free`, `${dir}/free-moved`]);
  });
});

// Under a default deny, what no allow rule names is protected by the default alone: renaming its directory
// to a path an allow rule covers would make it writable.
describe.each(LAUNCH_MODES)('renaming a directory whose entries only the default protects (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'data/protected/file.txt': 'original', 'data/other.txt': 'other', 'free/a.txt': 'a' } });
  const writable = (path: string) => [{ id: `write ${path}`, action: 'file_write', target: `${dir}/${path}`, effect: 'allow' }, { id: `write below ${path}`, action: 'file_write', target: `${dir}/${path}/**`, effect: 'allow' }];
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    policy: {
      level: 'production',
      default: 'deny',
      rules: [
        { id: 'load', action: ['module_load', 'file_read'], target: '**', effect: 'allow' },
        // The directory itself may be renamed; nothing below it may be written.
        { id: 'write data', action: 'file_write', target: `${dir}/data`, effect: 'allow' },
        ...writable('moved'), ...writable('free'), ...writable('free-moved'),
      ],
    },
  });
  const outcomes = run.status === 0 ? routeResults<Record<string, { outcome: string; code?: string; message?: string }>>(run) : {};
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(DENIED)('%s is refused as a write below the directory', (label) => {
    expect(outcomes[label], JSON.stringify(outcomes[label])).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(outcomes[label].message).toContain(`file_write:${dir}/data/`);
  });

  it('nothing moved and the protected file is unchanged', () => {
    expect(existsSync(join(dir, 'moved'))).toBe(false);
    expect(readFileSync(join(dir, 'data', 'protected', 'file.txt'), 'utf8')).toBe('original');
  });

  it('positive control: a directory an allow rule covers whole is renamed with two decisions', () => {
    expect(outcomes['renaming a directory nothing guards']).toEqual({ outcome: 'done' });
    const freeEntries = run.entries().filter((e) => e.action === 'file_write' && e.target.startsWith(`${dir}/free`));
    expect(freeEntries.map((e) => e.target).sort()).toEqual([`${dir}/free`, `${dir}/free-moved`]);
  });
});

// A read rule protects paths too: moving a read-protected file, or its directory, to a path no rule names would
// let the program read it there. A move to a path the rules protect alike is not a way out, and stays allowed.
const READ_APP = String.raw`
const fs = require('node:fs'), path = require('node:path');
const here = process.cwd();
const results = {};
async function attempt(label, fn) {
  try { const value = await fn(); results[label] = { outcome: 'done', value: value === undefined ? undefined : String(value) }; }
  catch (e) { results[label] = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
}
(async () => {
  await attempt('renameSync of the directory, then a read', () => { fs.renameSync(path.join(here, 'secret'), path.join(here, 'exposed')); return fs.readFileSync(path.join(here, 'exposed', 'token.txt'), 'utf8'); });
  await attempt('fs.promises.rename of the directory', () => fs.promises.rename(path.join(here, 'secret'), path.join(here, 'exposed')));
  await attempt('renameSync of the file, then a read', () => { fs.renameSync(path.join(here, 'secret', 'token.txt'), path.join(here, 'token.txt')); return fs.readFileSync(path.join(here, 'token.txt'), 'utf8'); });
  await attempt('fs.rename of the file', () => new Promise((resolve, reject) => fs.rename(path.join(here, 'secret', 'token.txt'), path.join(here, 'token.txt'), (e) => (e ? reject(e) : resolve()))));
  await attempt('renaming a directory no read rule guards', () => fs.renameSync(path.join(here, 'free'), path.join(here, 'free-moved')));
  await attempt('moving a file where the rule still protects it', () => fs.renameSync(path.join(here, 'secret', 'other.txt'), path.join(here, 'vault', 'other.txt')));
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
})();
`;

const READ_DENIED = ['renameSync of the directory, then a read', 'fs.promises.rename of the directory', 'renameSync of the file, then a read', 'fs.rename of the file'];

describe.each(LAUNCH_MODES)('moving read-protected files out from under their rule (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': READ_APP, 'secret/token.txt': 'TOKEN-1234', 'secret/other.txt': 'other', 'vault/.keep': '', 'free/a.txt': 'a' } });
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    policy: { level: 'production', default: 'allow', rules: [{ id: 'no-secret-reads', action: 'file_read', target: [`${dir}/secret/**`, `${dir}/vault/**`], effect: 'deny' }] },
  });
  const outcomes = run.status === 0 ? routeResults<Record<string, { outcome: string; code?: string; message?: string }>>(run) : {};
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(READ_DENIED)('%s is refused as a read of what the rule protects', (label) => {
    expect(outcomes[label], JSON.stringify(outcomes[label])).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(outcomes[label].message).toContain(`file_read:${dir}/secret`);
  });

  it('nothing moved and the token was not read', () => {
    expect(readFileSync(join(dir, 'secret', 'token.txt'), 'utf8')).toBe('TOKEN-1234');
    expect(existsSync(join(dir, 'exposed'))).toBe(false);
    expect(existsSync(join(dir, 'token.txt'))).toBe(false);
    expect(run.stdout).not.toContain('TOKEN-1234');
  });

  it('positive controls: a directory no read rule guards is renamed; a file moves where the rule still protects it', () => {
    expect(outcomes['renaming a directory no read rule guards']).toMatchObject({ outcome: 'done' });
    expect(existsSync(join(dir, 'free-moved', 'a.txt'))).toBe(true);
    expect(outcomes['moving a file where the rule still protects it']).toMatchObject({ outcome: 'done' });
    expect(existsSync(join(dir, 'vault', 'other.txt'))).toBe(true);
  });
});
