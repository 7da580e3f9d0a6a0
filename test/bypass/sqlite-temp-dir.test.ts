// SQLite's temporary files (node:sqlite, Node ≥22.13) under a production policy, in the three launch modes. SQLite
// reads SQLITE_TMPDIR and TMPDIR once, at its first connection, and creates `etilqs_*` files there (unlinked at
// once) for temp tables with `temp_store = FILE`, large sorts and VACUUM. Until 2026-11-23 the first connection was
// the program's: it set process.env.SQLITE_TMPDIR to a directory the rules do not let it write, and SQLite created its
// files there. A watcher on that directory must see no file; the query itself must still work (positive control).
import { isBuiltin } from 'node:module';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createProject, describeEachModeIf, governedRun, removeProject } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const HAS_SQLITE = isBuiltin('node:sqlite');

const APP = String.raw`
const fs = require('node:fs'), path = require('node:path');
const protectedDir = path.join(process.cwd(), 'protected');
const seen = [];
const watcher = fs.watch(protectedDir, (event, name) => { if (name) seen.push(String(name)); });
process.env.SQLITE_TMPDIR = protectedDir;
process.env.TMPDIR = protectedDir;
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(':memory:');
db.exec('PRAGMA temp_store = FILE');
db.exec('CREATE TEMP TABLE t(x)');
const insert = db.prepare('INSERT INTO t VALUES (?)');
db.exec('BEGIN');
for (let i = 0; i < 100000; i++) insert.run('row-' + 'x'.repeat(40) + i);
db.exec('COMMIT');
const rows = db.prepare('SELECT count(*) AS c FROM (SELECT x FROM t ORDER BY x DESC)').get().c;
db.close();
setTimeout(() => {
  watcher.close();
  console.log('RESULTS ' + JSON.stringify({ rows, seen }));
}, 200);
`;

const POLICY = {
  level: 'production',
  default: 'deny',
  rules: [
    { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
  ],
};

describeEachModeIf(HAS_SQLITE, 'SQLite temporary files, production policy (%s)', (mode) => {
  const dir = createProject({ policy: POLICY, files: { 'app.js': APP, 'protected/.keep': '' } });
  afterAll(() => removeProject(dir));
  const run = governedRun({ dir, entry: 'app.js', mode, timeoutMs: 60_000 });
  const results = (): { rows: number; seen: string[] } => routeResults(run);

  it('positive control: the temp table and the sort work', () => {
    expect(results().rows).toBe(100000);
  });

  it('SQLite creates no file in the directory the program named', () => {
    expect(results().seen.filter((name) => name.startsWith('etilqs_'))).toEqual([]);
    expect(readdirSync(join(dir, 'protected'))).toEqual(['.keep']);
  });
});
