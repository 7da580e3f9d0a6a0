// The SQL scan behind the node:sqlite hook: which files a SQL text makes SQLite open, read the way SQLite's
// tokenizer reads it; and the file a database name (path or `file:` URI) opens.
import { describe, expect, it } from 'vitest';
import { filesNamedBySql } from '../../src/hooks/sqlite-statements';
import { sqliteFile } from '../../src/hooks/sqlite';

describe('filesNamedBySql', () => {
  it.each([
    ["ATTACH DATABASE '/d/a.db' AS a", [{ statement: 'ATTACH', name: '/d/a.db' }]],
    ["attach '/d/a.db' as a", [{ statement: 'ATTACH', name: '/d/a.db' }]],
    ["/* c */ATTACH/**/'/d/a.db'AS a", [{ statement: 'ATTACH', name: '/d/a.db' }]],
    ["-- c\nATTACH '/d/it''s.db' AS a", [{ statement: 'ATTACH', name: "/d/it's.db" }]],
    ['ATTACH "/d/quoted.db" AS a', [{ statement: 'ATTACH', name: '/d/quoted.db' }]],
    ['ATTACH [/d/bracket.db] AS a', [{ statement: 'ATTACH', name: '/d/bracket.db' }]],
    ['ATTACH bare AS a', [{ statement: 'ATTACH', name: 'bare' }]],
    ["ATTACH '/d/' || 'x.db' AS a", [{ statement: 'ATTACH', name: null }]],
    ['ATTACH ? AS a', [{ statement: 'ATTACH', name: null }]],
    ["ATTACH ('/d/a.db') AS a", [{ statement: 'ATTACH', name: null }]],
    ["EXPLAIN QUERY PLAN ATTACH '/d/a.db' AS a", [{ statement: 'ATTACH', name: '/d/a.db' }]],
    ["SELECT 1; ATTACH '/d/a.db' AS a; SELECT 2", [{ statement: 'ATTACH', name: '/d/a.db' }]],
    ["VACUUM INTO '/d/v.db'", [{ statement: 'VACUUM INTO', name: '/d/v.db' }]],
    ["vacuum main into 'file:/d/v.db'", [{ statement: 'VACUUM INTO', name: 'file:/d/v.db' }]],
    ['VACUUM INTO :name', [{ statement: 'VACUUM INTO', name: null }]],
    ["PRAGMA temp_store_directory = '/d/tmp'", [{ statement: 'PRAGMA', name: '/d/tmp' }]],
    ["PRAGMA main.data_store_directory('/d/data')", [{ statement: 'PRAGMA', name: '/d/data' }]],
  ])('%j names %j', (sql, files) => {
    expect(filesNamedBySql(sql)).toEqual(files);
  });

  it.each([
    "SELECT 'ATTACH ''/d/a.db'' AS a'",
    "INSERT INTO t VALUES ('VACUUM INTO x')",
    'CREATE TABLE attach(vacuum, "into")',
    'SELECT attach FROM attach',
    '-- ATTACH \'/d/a.db\' AS a',
    "/* ATTACH '/d/a.db' AS a */ SELECT 1",
    'VACUUM',
    'VACUUM main',
    'PRAGMA temp_store_directory',
    "PRAGMA temp_store_directory = ''",
    "PRAGMA journal_mode = 'wal'",
    "SELECT x'41545441434820' AS blob",
    '',
  ])('%j names no file', (sql) => {
    expect(filesNamedBySql(sql)).toEqual([]);
  });
});

describe('sqliteFile', () => {
  it.each([
    ['/d/a.db', '/d/a.db'],
    ['rel.db', 'rel.db'],
    ['file:/d/a.db', '/d/a.db'],
    ['file:///d/a.db?mode=ro', '/d/a.db'],
    ['file://localhost/d/a.db#frag', '/d/a.db'],
    ['file:rel.db', 'rel.db'],
    ['file:/d/a%20b.db', '/d/a b.db'],
    // SQLite's reading of query parameters is not re-implemented: a file named with a memory query counts.
    ['file:/d/m.db?mode=memory', '/d/m.db'],
    ['file:/d/m.db?xmode=memory', '/d/m.db'],
    // As sqlite3ParseUri decodes: every %HH, whatever else the path holds; any other % kept; %00 ends the path.
    ['file:ok/%zz/%2E%2E/%2e%2E/evil.db', 'ok/%zz/../../evil.db'],
    ['file:/d/100%/%2', '/d/100%/%2'],
    ['file:/d/%C3%A9t%C3%A9.db', '/d/été.db'],
    ['file:/d/été%20x.db', '/d/été x.db'],
    ['file:/d/a.db%00/../../evil.db?mode=rwc', '/d/a.db'],
    ['file:/d/%3F.db?x', '/d/?.db'],
    ['file:%EF%BB%BFbom.db', '\uFEFFbom.db'],
  ])('%j opens %j', (name, file) => {
    expect(sqliteFile(name)).toEqual({ path: file, lossy: false });
  });

  it.each([
    ['file:ok/%FF/%2E%2E/%2E%2E/evil.db', 'ok/\uFFFD/../../evil.db'],
    ['file:/d/%C3.db', '/d/\uFFFD.db'],
    ['file:/d/%C3é.db', '/d/\uFFFDé.db'],
  ])('%j decodes to bytes that are not UTF-8 (checked as %j, refused)', (name, file) => {
    expect(sqliteFile(name)).toEqual({ path: file, lossy: true });
  });

  it.each(['', ':memory:', 'file::memory:', 'file::memory:?cache=shared', 'file:'])('%j opens no file', (name) => {
    expect(sqliteFile(name)).toBeNull();
  });
});
