// The audit log's state dir as a whole (src/hooks/log-files.ts checkLogTreeMove), in the three launch modes,
// under a production policy that lets the program write anywhere in the project, the state dir included (its
// path names no rule). Renaming the state dir, an ancestor of it, or something onto one, or removing one
// recursively, would put the private key and the database at paths no check names: it was allowed, and the key
// read and the database written at the new path, then the directory renamed back with no violation. Each is now
// refused as runtime_bypass and recorded; the load-time checker's cache is write-protected like the key directory.
// Positive controls: renaming an ordinary directory and writing an ordinary file in the state dir still work.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const STATE_DIR = 'var/gov';

const APP = String.raw`
'use strict';
const fs = require('node:fs'), path = require('node:path');
const state = path.resolve('var/gov'), out = path.resolve('out');
const results = {};
async function attempt(label, fn) {
  try { await fn(); results[label] = 'done'; } catch (e) { results[label] = e.code + ' ' + (e.violation || ''); }
}
function exposeAndRestore(from, to, inner) {
  fs.renameSync(from, to);
  try {
    fs.readFileSync(path.join(to, inner, 'keys', 'log-signing.key.pem'));
    fs.writeFileSync(path.join(to, inner, 'audit.db'), 'x', { flag: 'r+' });
  } finally {
    fs.renameSync(to, from);
  }
}
(async () => {
  await attempt('renameSync of the state dir, read the key, write the database, rename back', () => exposeAndRestore(state, path.join(out, 'state'), '.'));
  await attempt('renameSync of an ancestor, read the key, write the database, rename back', () => exposeAndRestore(path.resolve('var'), path.join(out, 'var'), 'gov'));
  await attempt('fs.rename of the state dir', () => new Promise((resolve, reject) => fs.rename(state, path.join(out, 'state'), (e) => (e ? reject(e) : resolve()))));
  await attempt('promises.rename of an ancestor', () => fs.promises.rename(path.resolve('var'), path.join(out, 'var')));
  await attempt('renameSync onto an ancestor', () => fs.renameSync(path.join(out, 'empty'), path.resolve('var')));
  await attempt('renameSync onto the state dir', () => fs.renameSync(path.join(out, 'empty'), state));
  await attempt('rmSync of an ancestor, recursive', () => fs.rmSync(path.resolve('var'), { recursive: true, force: true }));
  await attempt('promises.rm of the state dir, recursive', () => fs.promises.rm(state, { recursive: true }));
  await attempt('a forged result in the analysis cache', () => { fs.mkdirSync(path.join(state, 'analysis-cache'), { recursive: true }); fs.writeFileSync(path.join(state, 'analysis-cache', 'forged.json'), '[]'); });
  await attempt('renaming an ordinary directory', () => fs.renameSync(path.join(out, 'free'), path.join(out, 'free-moved')));
  await attempt('an ordinary file in the state dir', () => fs.writeFileSync(path.join(state, 'notes.txt'), 'ok'));
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
})();
`;

const REFUSED = [
  'renameSync of the state dir, read the key, write the database, rename back', 'renameSync of an ancestor, read the key, write the database, rename back',
  'fs.rename of the state dir', 'promises.rename of an ancestor', 'renameSync onto an ancestor', 'renameSync onto the state dir',
  'rmSync of an ancestor, recursive', 'promises.rm of the state dir, recursive', 'a forged result in the analysis cache',
];

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeProject));

describe.each(LAUNCH_MODES)('moving or removing the audit log\'s state dir under a permissive production policy (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'out/empty/.keep': '', 'out/free/a.txt': 'a' } });
  dirs.push(dir);
  const policy = {
    level: 'production',
    default: 'deny',
    stateDir: STATE_DIR,
    rules: [
      { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
      { id: 'write-anywhere-here', action: 'file_write', target: `${dir}/**`, effect: 'allow' },
    ],
  };
  governedRun({ dir, mode, entry: '-e', args: ['0'], policy }); // creates the log and its keys
  const state = join(dir, STATE_DIR);
  const database = readFileSync(join(state, 'audit.db'));
  const run = governedRun({ dir, mode, entry: 'app.cjs', policy });
  const results = run.status === 0 ? routeResults<Record<string, string>>(run) : {};

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(REFUSED)('%s is refused as runtime_bypass', (label) => {
    expect(results[label]).toBe('EGOVDENIED runtime_bypass');
  });

  it('the state dir, its key and its database are where they were; nothing was moved out', () => {
    expect(existsSync(join(state, 'keys', 'log-signing.key.pem'))).toBe(true);
    expect(readFileSync(join(state, 'audit.db')).subarray(0, 16)).toEqual(database.subarray(0, 16));
    expect(existsSync(join(dir, 'out', 'state'))).toBe(false);
    expect(existsSync(join(dir, 'out', 'var'))).toBe(false);
    expect(existsSync(join(state, 'analysis-cache', 'forged.json'))).toBe(false);
  });

  it('the refusals are in the log, which still verifies', () => {
    const refused = run.entries().filter((e) => e.violation === 'runtime_bypass' && e.decision === 'deny' && e.action === 'file_write');
    expect(refused.map((e) => e.target)).toEqual(expect.arrayContaining([state, join(dir, 'var'), join(state, 'analysis-cache')]));
    expect(refused.length).toBeGreaterThanOrEqual(REFUSED.length);
    const { openAuditReader } = require(join(__dirname, '../../dist/src/audit/index.js')) as typeof import('../../src/audit/index');
    const reader = openAuditReader(join(state, 'audit.db'));
    try {
      expect(reader.verify({ trustedKeys: [join(state, 'keys', 'log-signing.pub.pem')] }).valid).toBe(true);
    } finally {
      reader.close();
    }
  });

  it('positive controls: an ordinary directory is renamed, an ordinary file in the state dir is written', () => {
    expect(results['renaming an ordinary directory']).toBe('done');
    expect(results['an ordinary file in the state dir']).toBe('done');
    expect(existsSync(join(dir, 'out', 'free-moved', 'a.txt'))).toBe(true);
  });
});
