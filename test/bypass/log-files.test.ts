// The audit log's own files (src/hooks/log-files.ts), in the three launch modes, under a production policy
// that allows reading everything and writing everywhere in the project: the private signing key cannot be
// read by any route (read, stream, promise, copy, recursive copy, hard link, symlink), and the database and
// the key directory cannot be written (write, append, new key file, rename of the directory). Each attempt is
// refused as runtime_bypass, recorded, and leaves no copy behind; the public key stays readable and an
// ordinary write works.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject } from '../helpers/governed-run';

const APP = String.raw`
'use strict';
const fs = require('node:fs'), path = require('node:path');
const state = path.resolve('.governance'), keys = path.join(state, 'keys');
const key = path.join(keys, 'log-signing.key.pem'), db = path.join(state, 'audit.db');
const out = path.resolve('out');
const results = {};
async function attempt(label, fn) {
  try { await fn(); results[label] = 'done'; } catch (e) { results[label] = e.code + ' ' + (e.violation || ''); }
}
(async () => {
  await attempt('readFileSync of the private key', () => fs.readFileSync(key));
  await attempt('promises.readFile of the private key', () => fs.promises.readFile(key));
  await attempt('createReadStream of the private key', () => new Promise((resolve, reject) => fs.createReadStream(key).on('error', reject).on('data', resolve)));
  await attempt('copyFileSync of the private key', () => fs.copyFileSync(key, path.join(out, 'copied.pem')));
  await attempt('cpSync of the state dir', () => fs.cpSync(state, path.join(out, 'state-copy'), { recursive: true }));
  await attempt('linkSync to the private key', () => fs.linkSync(key, path.join(out, 'linked.pem')));
  await attempt('read through a symlink to the private key', () => { fs.symlinkSync(key, path.join(out, 'symlinked.pem')); return fs.readFileSync(path.join(out, 'symlinked.pem')); });
  await attempt('writeFileSync of the database', () => fs.writeFileSync(db, 'x'));
  await attempt('appendFileSync of the write-ahead log', () => fs.appendFileSync(db + '-wal', 'x'));
  await attempt('a new key file in the key directory', () => fs.writeFileSync(path.join(keys, 'log-signing.key.pem.new'), 'x'));
  await attempt('renameSync of the key directory', () => fs.renameSync(keys, path.join(out, 'keys')));
  await attempt('readFileSync of the public key', () => fs.readFileSync(path.join(keys, 'log-signing.pub.pem')));
  await attempt('ordinary write', () => fs.writeFileSync(path.join(out, 'ok.txt'), 'ok'));
  process.stdout.write(JSON.stringify(results) + '\n');
})();
`;

const REFUSED = [
  'readFileSync of the private key', 'promises.readFile of the private key', 'createReadStream of the private key', 'copyFileSync of the private key',
  'cpSync of the state dir', 'linkSync to the private key', 'read through a symlink to the private key', 'writeFileSync of the database',
  'appendFileSync of the write-ahead log', 'a new key file in the key directory', 'renameSync of the key directory',
];

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeProject));

describe.each(LAUNCH_MODES)('the audit log\'s files under a permissive production policy (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'out/.keep': '' } });
  dirs.push(dir);
  const policy = {
    level: 'production',
    default: 'deny',
    rules: [
      { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
      { id: 'write-anywhere-here', action: 'file_write', target: `${dir}/**`, effect: 'allow' },
    ],
  };
  governedRun({ dir, mode, entry: '-e', args: ['0'], policy }); // creates the log and its keys
  const run = governedRun({ dir, mode, entry: 'app.cjs', policy });
  const results = JSON.parse(run.stdout.trim().split('\n').pop() || '{}') as Record<string, string>;

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(REFUSED)('%s is refused as runtime_bypass', (label) => {
    expect(results[label]).toBe('EGOVDENIED runtime_bypass');
  });

  it('nothing was copied out; the key directory is where it was', () => {
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['.keep', 'ok.txt']);
    expect(existsSync(join(dir, '.governance', 'keys', 'log-signing.key.pem'))).toBe(true);
  });

  it('the refusals are in the log, and the log still verifies', () => {
    const refused = run.entries().filter((e) => e.violation === 'runtime_bypass' && e.decision === 'deny');
    expect(refused.length).toBeGreaterThanOrEqual(REFUSED.length);
    expect(new Set(refused.map((e) => e.action))).toEqual(new Set(['file_read', 'file_write']));
  });

  it('the public key stays readable and an ordinary write works (positive controls)', () => {
    expect(results['readFileSync of the public key']).toBe('done');
    expect(results['ordinary write']).toBe('done');
  });
});

describe('at development level the same read is recorded and allowed (the host is not broken)', () => {
  const dir = createProject({ files: { 'app.cjs': "require('node:fs').readFileSync('.governance/keys/log-signing.key.pem'); console.log('read');" } });
  dirs.push(dir);
  const policy = { level: 'development', default: 'allow', rules: [] };
  governedRun({ dir, mode: 'require', entry: '-e', args: ['0'], policy });
  const run = governedRun({ dir, mode: 'require', entry: 'app.cjs', policy });

  it('reads, and records would_deny as runtime_bypass', () => {
    expect(run.stdout.trim()).toBe('read');
    expect(run.entries().filter((e) => e.decision === 'would_deny' && e.violation === 'runtime_bypass').map((e) => e.target)).toEqual([join(dir, '.governance', 'keys', 'log-signing.key.pem')]);
  });
});
