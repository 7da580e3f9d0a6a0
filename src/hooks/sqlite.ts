// node:sqlite (Node ≥22.13) opens files from C++, out of reach of the fs hooks: the database a DatabaseSync
// opens, the files its SQL attaches, vacuums into or makes a temporary directory, a backup's destination, and
// loadable extensions (native code). Each is decided as the action it amounts to, on the file SQLite will open,
// and Node gets the path that was decided. SQL naming a file by an expression is refused as runtime_bypass:
// which file it opens is not known before it runs.
import type { GovernanceDeniedError } from '../kernel/errors';
import { checkAction, checkViolation } from '../kernel/gate';
import { primordials } from '../primordials';
import { absolutePath, convertPath, resolveTarget, type PathArgument } from './fs-paths';
import { guardConstructor, guardMethod, lockProperty, shapeLike } from './lock';
import { enterInFlight, heldBy, settling } from './fs-in-flight';
import { READ, WRITE } from './fs-routes';
import { checkRead } from './log-files';
import { loadBuiltinQuietly } from './quiet-builtin';
import { checkWrite } from './rules-files';
import { filesNamedBySql, type SqlFile } from './sqlite-statements';

const { apply, getPrototypeOf, isArray, setElement, stringList, ArrayPrototypeJoin, StringPrototypeEndsWith, StringPrototypeIndexOf, StringPrototypeSlice, StringPrototypeStartsWith } = primordials;
const OwnUint8Array = Uint8Array;
const typedArrayLength = primordials.getOwnPropertyDescriptor(getPrototypeOf(Uint8Array.prototype) as object, 'length')!.get!;
const encode = TextEncoder.prototype.encode;
const encoder = new TextEncoder();
const decode = TextDecoder.prototype.decode;
// A leading BOM is part of the file name SQLite opens: kept.
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lossyDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
const weakSetHas = WeakSet.prototype.has;
const weakSetAdd = WeakSet.prototype.add;

interface SqliteModule {
  DatabaseSync: Function;
}

/** A file SQLite opens: `lossy` when the name's bytes are not UTF-8, so `path` (with U+FFFD) is not that file's name. */
export interface SqliteFile {
  path: string;
  lossy: boolean;
}

/**
 * The file SQLite opens for a database name: null for an in-memory or temporary database. `file:` names are
 * URIs (Node opens with SQLITE_OPEN_URI): the path, percent-decoded, without query or fragment. A query asking
 * for memory (`mode=memory`, `vfs=memdb`) still counts as the file: SQLite's reading of repeated or encoded
 * parameters is not re-implemented here, so the decision errs on the side of the file.
 */
export function sqliteFile(name: string): SqliteFile | null {
  if (name === '' || name === ':memory:') return null;
  if (!StringPrototypeStartsWith(name, 'file:')) return { path: name, lossy: false };
  let path = StringPrototypeSlice(name, 5, endOfPath(name));
  if (StringPrototypeStartsWith(path, '//')) {
    const slash = StringPrototypeIndexOf(path, '/', 2);
    path = slash === -1 ? '' : StringPrototypeSlice(path, slash);
  }
  const file = percentDecoded(path);
  return file.path === '' || file.path === ':memory:' ? null : file;
}

function endOfPath(uri: string): number {
  const query = StringPrototypeIndexOf(uri, '?');
  const fragment = StringPrototypeIndexOf(uri, '#');
  if (query === -1) return fragment === -1 ? uri.length : fragment;
  return fragment === -1 || query < fragment ? query : fragment;
}

/**
 * The path as sqlite3ParseUri decodes it: on the UTF-8 bytes Node hands SQLite, each `%` followed by two hex digits
 * is that byte, any other `%` stays; a `%00` ends the path. decodeURIComponent gave up on the whole path at one
 * escape it could not decode (`%zz`), so `ok/%zz/%2E%2E/%2E%2E/x` was checked as a file under ok/ and opened as x.
 */
function percentDecoded(path: string): SqliteFile {
  const bytes = apply(encode, encoder, [path]) as Uint8Array;
  const size = apply(typedArrayLength, bytes, []) as number;
  let length = 0;
  for (let i = 0; i < size; i++, length++) {
    const octet = bytes[i] === PERCENT ? escapedOctet(bytes, i, size) : -1;
    if (octet === 0) break;
    if (octet !== -1) {
      bytes[length] = octet;
      i += 2;
    } else bytes[length] = bytes[i];
  }
  const decoded = new OwnUint8Array(length);
  for (let i = 0; i < length; i++) decoded[i] = bytes[i];
  try {
    return { path: apply(decode, strictDecoder, [decoded]) as string, lossy: false };
  } catch {
    return { path: apply(decode, lossyDecoder, [decoded]) as string, lossy: true };
  }
}

const PERCENT = 0x25;

/** The byte `%HH` at `at` stands for, or -1 when the two bytes after the `%` are not hex digits. */
function escapedOctet(bytes: Uint8Array, at: number, size: number): number {
  if (at + 2 >= size) return -1;
  const high = hexValue(bytes[at + 1]);
  const low = hexValue(bytes[at + 2]);
  return high === -1 || low === -1 ? -1 : high * 16 + low;
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  return -1;
}

/**
 * Converts a database argument (string, Buffer, URL) to the string Node is then given, once, so that what
 * SQLite opens is what was decided. Null when Node would reject the argument itself.
 */
function databaseName(args: unknown[], at: number): string | null {
  const converted: PathArgument = { path: null, value: undefined };
  convertPath(args[at], converted);
  if (converted.path === null) return null;
  const name = absoluteName(converted.path);
  // A URL object becomes its path: SQLite opens the same file without the URL's query. An own element: a slot the
  // caller left out would reach a setter on Array.prototype, which could leave another path for SQLite.
  setElement(args, at, name === converted.path ? converted.value : name);
  return name;
}

/**
 * A relative name (a path or a `file:` URI) made absolute as of now: SQLite resolves it when the database opens,
 * which with `open: false` is whenever the program calls open(), after a chdir if it likes (until 2026-11-22 a name
 * decided under ok/ opened the audit database that way).
 */
function absoluteName(name: string): string {
  if (name === '' || name === ':memory:' || name[0] === '/') return name;
  if (!StringPrototypeStartsWith(name, 'file:')) return absolutePath(name);
  const rest = StringPrototypeSlice(name, 5);
  if (rest === '' || rest[0] === '/' || rest[0] === '?' || rest[0] === '#' || StringPrototypeStartsWith(rest, ':memory:')) return name;
  return `file:${uriEscaped(absolutePath(''))}${rest}`;
}

/** The characters that end or escape a URI path, percent-encoded. */
function uriEscaped(path: string): string {
  let out = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    out += c === '%' ? '%25' : c === '?' ? '%3F' : c === '#' ? '%23' : c;
  }
  return out;
}

/**
 * A name whose decoded bytes are not UTF-8 is refused: the check can only see the lossy string, and a rule or a
 * symlink met on that string says nothing about the file SQLite opens under the raw bytes.
 */
function decideFile(name: string | null, write: boolean): GovernanceDeniedError | null {
  const file = name === null ? null : sqliteFile(name);
  if (file === null) return null;
  const target = resolveTarget(file.path, true);
  if (file.lossy) return checkViolation(write ? 'file_write' : 'file_read', target, 'runtime_bypass', 'the database name decodes to bytes that are not UTF-8: the file SQLite would open is not the one a check can name');
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
  const denied = decideFile(name, !readOnly);
  if (denied === null) held = enterFile(name, !readOnly);
  return denied;
}

/**
 * SQLite opens a database by name when it is constructed and again at each `open()` (with `open: false`, or after
 * `close()`), whenever the program calls it: a link on the way re-pointed meanwhile opened the audit database itself
 * (until 2026-11-23). Its path stays in flight (fs-in-flight.ts) while the object lives, as a backup's until it ends.
 */
let held: (() => void) | null = null;

function enterFile(name: string | null, write: boolean): (() => void) | null {
  const file = name === null ? null : sqliteFile(name);
  return file === null ? null : enterInFlight(file.path, write ? READ | WRITE : READ, true);
}

function holdDatabase(database: unknown, threw: boolean): unknown {
  const done = held;
  held = null;
  if (done === null) return database;
  if (threw) done();
  else heldBy(database, done);
  return database;
}

function holdBackup(result: unknown, threw: boolean): unknown {
  const done = held;
  held = null;
  if (done === null) return result;
  if (threw) {
    done();
    return result;
  }
  return settling(result, done);
}

function decideBackup(args: unknown[]): GovernanceDeniedError | null {
  const name = databaseName(args, 1);
  const denied = decideFile(name, true);
  if (denied === null) held = enterFile(name, true);
  return denied;
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

/**
 * SQLite reads SQLITE_TMPDIR and TMPDIR once, when it initialises (the first connection), and creates its temporary
 * files there (`etilqs_*`, unlinked at once: temp tables with `temp_store = FILE`, large sorts, VACUUM). Until
 * 2026-11-23 the first connection was the program's, so a program that set `process.env.SQLITE_TMPDIR` first had
 * SQLite create files in a directory the rules did not let it write. One in-memory connection, opened and closed
 * here, has SQLite read the variables this process started with. (`PRAGMA temp_store_directory` is decided as a write.)
 */
function pinTempDirectory(Original: Function): void {
  try {
    (new (Original as new (path: string) => { close(): void })(':memory:')).close();
  } catch {
    // node:sqlite without a usable DatabaseSync: nothing reads the variables either
  }
}

export function installSqliteHooks(): void {
  const sqlite = loadBuiltinQuietly<SqliteModule>('node:sqlite');
  if (sqlite === null) return;
  const Original = sqlite.DatabaseSync;
  const proto = Original.prototype as unknown as Record<string, unknown>;
  pinTempDirectory(Original);
  guardConstructor(sqlite, 'DatabaseSync', decideDatabase, holdDatabase);
  guardMethod(proto, 'exec', (args) => decideSql(args[0]));
  guardMethod(proto, 'prepare', (args) => decideSql(args[0]));
  guardMethod(proto, 'loadExtension', decideExtension);
  governTagStores(proto);
  guardMethod(sqlite, 'backup', decideBackup, holdBackup);
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
