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
  ])('%j opens %j', (name, file) => {
    expect(sqliteFile(name)).toBe(file);
  });

  it.each(['', ':memory:', 'file::memory:', 'file::memory:?cache=shared', 'file:'])('%j opens no file', (name) => {
    expect(sqliteFile(name)).toBeNull();
  });
});
