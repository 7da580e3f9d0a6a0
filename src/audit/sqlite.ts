// The SQLite driver. better-sqlite3 12 (compiled from source at install) is the one that runs on Node 20;
// its ObjectWrap-based classes abort the process on Node ≥ 24.19 when a statement is garbage-collected
// outside a JavaScript context ("Assertion failed: (env) != nullptr"). better-sqlite3 13 (Node-API,
// prebuilt in its package) fixes that but needs Node 22+. So: 13 on Node 22+, 12 on Node 20.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';

const major = Number(process.versions.node.split('.')[0]);

const Database: typeof BetterSqlite3 = major >= 22 ? loadNodeApiDriver() : loadCompiledDriver();

/**
 * better-sqlite3 12 finds its addon with the `bindings` package, which sets `Error.prepareStackTrace` to learn its
 * caller's file: under `node --frozen-intrinsics` that throws, and the audit log could not be created. The addon is
 * loaded by its path instead (where `npm install` compiles it) and handed to each connection.
 */
function loadCompiledDriver(): typeof BetterSqlite3 {
  const driver = require('better-sqlite3') as typeof BetterSqlite3;
  const addonPath = join(dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
  if (!existsSync(addonPath)) return driver;
  return class extends driver {
    constructor(filename?: string | Buffer, options: BetterSqlite3.Options = {}) {
      super(filename, { ...options, nativeBinding: addonPath });
    }
  } as typeof BetterSqlite3;
}

/**
 * better-sqlite3 13 builds each statement's row constructor with `Function(...)` whenever a statement is
 * (re)prepared: that would make the audit log's own queries `code_eval` decisions, and fail outright under
 * `--disallow-code-generation-from-strings` (which `run` passes when code_eval is denied). Its addon is
 * initialised here first, with factories that generate no code; the driver then skips its own.
 */
function loadNodeApiDriver(): typeof BetterSqlite3 {
  const driver = require('better-sqlite3-napi') as typeof BetterSqlite3;
  const lib = dirname(require.resolve('better-sqlite3-napi'));
  const prebuilt = join(lib, '..', 'prebuilds', `${process.platform}-${process.arch}.node`);
  if (existsSync(prebuilt)) {
    const addon = require(prebuilt) as { isInitialized?: boolean; initialize(...factories: unknown[]): void };
    if (!addon.isInitialized) {
      addon.initialize(require(join(lib, 'sqlite-error.js')), arrayFactory, arrayAppender, rowFactory, recordFactory);
      addon.isInitialized = true;
    }
  }
  return driver;
}

function arrayFactory(...values: unknown[]): unknown[] {
  return values;
}

function arrayAppender(array: unknown[], ...values: unknown[]): void {
  const offset = array.length;
  for (let i = 0; i < values.length; ++i) array[offset + i] = values[i];
}

/** Builds row objects with a loop: no code generation, so it also works under --disallow-code-generation-from-strings. */
const defineField = Reflect.defineProperty;

function rowFactory(...keys: string[]): (...values: unknown[]) => object {
  return (...values: unknown[]) => {
    const row: Record<string, unknown> = {};
    // Defined, not assigned: a setter on Object.prototype for a column name would run program code (the writer
    // reads rows inside decisions).
    for (let i = 0; i < keys.length; ++i) defineField(row, keys[i], { __proto__: null, value: values[i], writable: true, enumerable: true, configurable: true } as PropertyDescriptor);
    return row;
  };
}

function recordFactory(value: unknown): { value: unknown; done: boolean } {
  return { value, done: false };
}

export default Database;
export type { BetterSqlite3 };
