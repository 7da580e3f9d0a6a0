// The SQLite driver. better-sqlite3 12 (compiled from source at install) is the one that runs on Node 20;
// its ObjectWrap-based classes abort the process on Node ≥ 24.19 when a statement is garbage-collected
// outside a JavaScript context ("Assertion failed: (env) != nullptr"). better-sqlite3 13 (Node-API,
// prebuilt in its package) fixes that but needs Node 22+. So: 13 on Node 22+, 12 on Node 20.
import type BetterSqlite3 from 'better-sqlite3';

const major = Number(process.versions.node.split('.')[0]);

const Database: typeof BetterSqlite3 = major >= 22 ? require('better-sqlite3-napi') : require('better-sqlite3');

export default Database;
export type { BetterSqlite3 };
