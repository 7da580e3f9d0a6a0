// node:sqlite (Node ≥22.13) opens files from C++, out of reach of the fs hooks: the database a DatabaseSync
// opens, the files its SQL attaches, vacuums into or makes a temporary directory, a backup's destination, and
// loadable extensions (native code). Each is decided as the action it amounts to, on the file SQLite will open,
// and Node gets the path that was decided. SQL naming a file by an expression is refused as runtime_bypass:
// which file it opens is not known before it runs.
import type { GovernanceDeniedError } from '../kernel/errors';
import { checkAction, checkViolation } from '../kernel/gate';
import { primordials } from '../primordials';
import { convertPath, resolveTarget, type PathArgument } from './fs-paths';
import { guardConstructor, guardMethod, lockProperty, shapeLike } from './lock';
import { checkRead } from './log-files';
import { loadBuiltinQuietly } from './quiet-builtin';
import { checkWrite } from './rules-files';
import { filesNamedBySql, type SqlFile } from './sqlite-statements';

const { apply, getPrototypeOf, isArray, setElement, stringList, ArrayPrototypeJoin, StringPrototypeEndsWith, StringPrototypeIndexOf, StringPrototypeSlice, StringPrototypeStartsWith } = primordials;
const decodeComponent = globalThis.decodeURIComponent;
const weakSetHas = WeakSet.prototype.has;
const weakSetAdd = WeakSet.prototype.add;

interface SqliteModule {
  DatabaseSync: Function;
}

/**
 * The file SQLite opens for a database name: null for an in-memory or temporary database. `file:` names are
 * URIs (Node opens with SQLITE_OPEN_URI): the path, percent-decoded, without query or fragment. A query asking
 * for memory (`mode=memory`, `vfs=memdb`) still counts as the file: SQLite's reading of repeated or encoded
 * parameters is not re-implemented here, so the decision errs on the side of the file.
 */
export function sqliteFile(name: string): string | null {
  if (name === '' || name === ':memory:') return null;
  if (!StringPrototypeStartsWith(name, 'file:')) return name;
  let path = StringPrototypeSlice(name, 5, endOfPath(name));
  if (StringPrototypeStartsWith(path, '//')) {
    const slash = StringPrototypeIndexOf(path, '/', 2);
    path = slash === -1 ? '' : StringPrototypeSlice(path, slash);
  }
  path = percentDecoded(path);
  return path === '' || path === ':memory:' ? null : path;
}

function endOfPath(uri: string): number {
  const query = StringPrototypeIndexOf(uri, '?');
  const fragment = StringPrototypeIndexOf(uri, '#');
  if (query === -1) return fragment === -1 ? uri.length : fragment;
  return fragment === -1 || query < fragment ? query : fragment;
}

function percentDecoded(path: string): string {
  try {
    return decodeComponent(path);
  } catch {
    return path; // a malformed escape: SQLite keeps what it cannot decode
  }
}

/**
 * Converts a database argument (string, Buffer, URL) to the string Node is then given, once, so that what
 * SQLite opens is what was decided. Null when Node would reject the argument itself.
 */
function databaseName(args: unknown[], at: number): string | null {
  const converted: PathArgument = { path: null, value: undefined };
  convertPath(args[at], converted);
  if (converted.path === null) return null;
  // A URL object becomes its path: SQLite opens the same file without the URL's query. An own element: a slot the
  // caller left out would reach a setter on Array.prototype, which could leave another path for SQLite.
  setElement(args, at, converted.value);
  return converted.path;
}

function decideFile(name: string | null, write: boolean): GovernanceDeniedError | null {
  const file = name === null ? null : sqliteFile(name);
  if (file === null) return null;
  const target = resolveTarget(file, true);
  return write ? checkWrite(target) : checkRead(target);
}

/**
 * `new DatabaseSync(path, options)`: file_read with `readOnly: true`, else file_write (SQLite creates it). Node reads
 * the options from a copy taken once, without a prototype: an inherited `readOnly` getter could otherwise answer
 * `true` to the check and `false` to SQLite.
 */
function decideDatabase(args: unknown[]): GovernanceDeniedError | null {
  const name = databaseName(args, 0);
  const options = args[1];
  const copy = typeof options === 'object' && options !== null ? { __proto__: null, ...options } as { readOnly?: unknown } : options;
  if (copy !== undefined) setElement(args, 1, copy);
  const readOnly = typeof copy === 'object' && copy !== null && (copy as { readOnly?: unknown }).readOnly === true;
  return decideFile(name, !readOnly);
}

function decideSqlFile(file: SqlFile): GovernanceDeniedError | null {
  if (file.name === null) {
    const reason = `${file.statement} names its file with an expression or a parameter: which file SQLite would open cannot be decided before it runs`;
    return checkViolation('file_write', `sqlite:${file.statement}`, 'runtime_bypass', reason);
  }
  return decideFile(file.name, true);
}

function decideSql(sql: unknown): GovernanceDeniedError | null {
  if (typeof sql !== 'string') return null; // Node rejects it
  const files = filesNamedBySql(sql);
  for (let i = 0; i < files.length; i++) {
    const denied = decideSqlFile(files[i]);
    if (denied !== null) return denied;
  }
  return null;
}

/**
 * A tag store's template: its strings joined as SQLite sees them, one parameter between each. Node gets the strings
 * as they were decided, each converted once (an index getter gave it an ATTACH the check never saw until 2026-11-22).
 */
function decideTemplate(args: unknown[]): GovernanceDeniedError | null {
  if (!isArray(args[0])) return null; // Node rejects it
  const strings = stringList(args[0] as unknown[]);
  setElement(args, 0, strings);
  return decideSql(ArrayPrototypeJoin(strings, '?'));
}

/** SQLite retries a failed extension load with the platform's suffix appended: both are decided. */
function decideExtension(args: unknown[]): GovernanceDeniedError | null {
  const converted: PathArgument = { path: null, value: undefined };
  convertPath(args[0], converted);
  if (converted.path === null) return null;
  setElement(args, 0, converted.value);
  const denied = checkAction('native_addon', resolveTarget(converted.path, true));
  if (denied !== null || StringPrototypeEndsWith(converted.path, '.so')) return denied;
  return checkAction('native_addon', resolveTarget(`${converted.path}.so`, true));
}

export function installSqliteHooks(): void {
  const sqlite = loadBuiltinQuietly<SqliteModule>('node:sqlite');
  if (sqlite === null) return;
  const Original = sqlite.DatabaseSync;
  const proto = Original.prototype as unknown as Record<string, unknown>;
  guardConstructor(sqlite, 'DatabaseSync', decideDatabase);
  guardMethod(proto, 'exec', (args) => decideSql(args[0]));
  guardMethod(proto, 'prepare', (args) => decideSql(args[0]));
  guardMethod(proto, 'loadExtension', decideExtension);
  governTagStores(proto);
  guardMethod(sqlite, 'backup', (args) => decideFile(databaseName(args, 1), true));
}

const TAG_STORE_METHODS = ['run', 'get', 'all', 'iterate'];

/** Node ≥24 makes a new SQLTagStore class per store: each store's methods are guarded before it is returned. */
function governTagStores(proto: Record<string, unknown>): void {
  const original = proto.createTagStore;
  if (typeof original !== 'function') return;
  const governed = new WeakSet<object>();
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    const store = apply(original, this, args) as object;
    const storeProto = getPrototypeOf(store) as Record<string, unknown> | null;
    if (storeProto !== null && !apply(weakSetHas, governed, [storeProto])) {
      for (let i = 0; i < TAG_STORE_METHODS.length; i++) guardMethod(storeProto, TAG_STORE_METHODS[i], decideTemplate);
      apply(weakSetAdd, governed, [storeProto]);
    }
    return store;
  };
  lockProperty(proto, 'createTagStore', shapeLike(wrapper, original));
}
