// SQLite opens a database by name when a DatabaseSync is constructed and again at each open() (`open: false`, or after
// close()), whenever the program calls it; a backup opens its destination on the thread pool. All were decided once,
// at the call: a link on the way re-pointed afterwards (`ok/d` from `ok/sub` to the state dir) opened the live audit
// database for writing (Node 22.13+). The path now stays in flight while the database lives (fs-in-flight.ts), and the
// re-pointing is decided as a write of the database through the new link.
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject, writeOnlyInOkPolicy } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const fs = require('node:fs'), path = require('node:path');
const { DatabaseSync, backup } = require('node:sqlite');
const here = process.cwd();
const results = {};
let n = 0;
function link() {
  const d = path.join(here, 'ok', 'd' + ++n);
  fs.symlinkSync(path.join(here, 'ok', 'sub'), d);
  return d;
}
function repoint(d) {
  try { fs.unlinkSync(d); fs.symlinkSync(path.join(here, '.governance'), d); return { outcome: 'done' }; }
  catch (e) { return { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
}
function tables(db) {
  try { db.open(); return db.prepare("select name from sqlite_master where type = 'table' order by name").all().map((r) => r.name).join(','); }
  catch (e) { return 'failed: ' + e.message; }
}
(async () => {
  let d = link();
  let db = new DatabaseSync(path.join(d, 'audit.db'), { open: false });
  results['open: false, then open()'] = { repoint: repoint(d), tables: tables(db) };
  d = link();
  db = new DatabaseSync(path.join(d, 'audit.db'));
  db.exec('create table mine (x)');
  db.close();
  results['close(), then open() again'] = { repoint: repoint(d), tables: tables(db) };
  d = link();
  const source = new DatabaseSync(':memory:');
  source.exec('create table entries (x)');
  const copying = backup(source, path.join(d, 'audit.db')).then(() => 'done', (e) => 'failed: ' + e.message);
  results['backup, the link re-pointed before it runs'] = { repoint: repoint(d), backup: await copying };
  // Positive control: a database of the program's own, closed and opened again, with a link made beside it.
  const own = new DatabaseSync(path.join(here, 'ok', 'own.db'));
  own.exec('create table t (x)');
  own.close();
  fs.symlinkSync(here, path.join(here, 'ok', 'beside'));
  results['positive control'] = tables(own);
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
})();
`;

type Attempt = { repoint: { outcome: string; code?: string; message?: string } };
const ATTEMPTS = ['open: false, then open()', 'close(), then open() again', 'backup, the link re-pointed before it runs'];

describe.skipIf(!isBuiltin('node:sqlite')).each(LAUNCH_MODES)('a node:sqlite database whose link is re-pointed before SQLite opens it (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'ok/sub/.keep': '' } });
  const run = governedRun({ dir, mode, entry: 'app.cjs', policy: writeOnlyInOkPolicy(dir) });
  const results = run.status === 0 ? routeResults<Record<string, Attempt & Record<string, unknown>>>(run) : {};
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(ATTEMPTS)('%s: the re-pointing is refused as a write of the audit database, and recorded', (label) => {
    const database = join(dir, '.governance', 'audit.db');
    expect(results[label].repoint, JSON.stringify(results[label])).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(results[label].repoint.message).toContain(`file_write:${database}`);
    expect(run.entries().some((e) => e.target === database && e.decision === 'deny' && e.violation === 'runtime_bypass')).toBe(true);
    expect(JSON.stringify(results[label])).not.toContain('checkpoints');
  });

  it('positive control: the program\'s own database opens again', () => {
    expect(results['positive control']).toBe('t');
  });
});
