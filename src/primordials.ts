// Built-ins captured when this module first loads, before user code runs, so that later
// tampering with prototypes or globals cannot change how governance behaves.
// Use `apply(fn, thisArg, args)` and the uncurried helpers below instead of method calls.

const { apply, defineProperty, getOwnPropertyDescriptor, ownKeys, getPrototypeOf, setPrototypeOf } = Reflect;
const { freeze, isFrozen, create, keys: objectKeys, hasOwn } = Object;
const { isArray } = Array;

const { bind, call } = Function.prototype;
const { deleteProperty } = Reflect;
const OwnError = Error;
const globalObject = globalThis;

/**
 * `call` bound to `fn`, as Node's own `uncurryThis`: no argument array per call, which matters in the
 * unoptimised code a short process mostly runs (about half the cost of a rest-and-apply wrapper there).
 */
function uncurry<T, A extends unknown[], R>(fn: (this: T, ...args: A) => R): (self: T, ...args: A) => R {
  return apply(bind, call, [fn]) as (self: T, ...args: A) => R;
}

const regExpExec = uncurry(RegExp.prototype.exec);
const stringIndexOf = uncurry(String.prototype.indexOf);
const stringSlice = uncurry(String.prototype.slice);

/**
 * An empty array with no prototype, for lists governance fills by index (`list[list.length] = x`) and reads back.
 * On an ordinary array a write to an index it does not have yet reaches any setter the program defined for that
 * index on Array.prototype or Object.prototype, and a read of it that getter: the program could swap an audit
 * entry's fields or a path's segments. Use index operations, `.length` and the uncurried helpers on it.
 */
function newList<T>(): T[] {
  const list: T[] = [];
  setPrototypeOf(list, null);
  return list;
}

/**
 * `list[index] = value` as an own element even past the end: a slot governance fills in an argument list (a default
 * the caller left out) must not reach an accessor the program defined for that index on a prototype.
 */
function setElement(list: unknown[], index: number, value: unknown): void {
  defineProperty(list, index, { __proto__: null, value, writable: true, enumerable: true, configurable: true } as PropertyDescriptor);
}

/**
 * Each element of `values` converted to a string once (ToString, as native code converts an array of strings), in a
 * list of their own: what governance checks is then what native code reads, whatever getter or toString the
 * caller's array or elements have.
 */
function stringList(values: ArrayLike<unknown>): string[] {
  const out = newList<string>();
  const length = values.length;
  for (let i = 0; i < length; i++) out[i] = `${values[i] as string}`;
  return out;
}

/**
 * An options object copied once into an object without a prototype, with each of `fields` its own (read once,
 * through the prototype chain where the caller's object inherits it). What governance checks in the copy is then
 * what Node reads from it: an accessor on `Object.prototype` cannot answer the check one way and Node another.
 */
function ownOptions<T>(options: object, fields: readonly string[]): T {
  const copy = { __proto__: null, ...options } as Record<string, unknown>;
  for (let i = 0; i < fields.length; i++) if (!hasOwn(copy, fields[i])) copy[fields[i]] = (options as Record<string, unknown>)[fields[i]];
  return copy as T;
}

/**
 * `s.split(separator)` for a string separator. The builtin looks up `separator[Symbol.split]`, which for a
 * string is String.prototype[Symbol.split]: a property user code can define.
 */
function stringSplit(s: string, separator: string): string[] {
  if (separator.length === 0) throw new TypeError('stringSplit needs a non-empty separator');
  const parts = newList<string>();
  let start = 0;
  for (let at = stringIndexOf(s, separator); at >= 0; at = stringIndexOf(s, separator, start)) {
    parts[parts.length] = stringSlice(s, start, at);
    start = at + separator.length;
  }
  parts[parts.length] = stringSlice(s, start);
  return parts;
}

/** `s` with each character found in `from` replaced by `to` ('' drops it), without `replace`'s Symbol.replace lookup. */
function stringMapChars(s: string, from: string, to: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += stringIndexOf(from, s[i]) >= 0 ? to : s[i];
  return out;
}

const typedArrayPrototype = getPrototypeOf(Uint8Array.prototype) as object;
const typedArrayLength = uncurry(getOwnPropertyDescriptor(typedArrayPrototype, 'length')!.get!) as (bytes: Uint8Array) => number;
const typedArraySet = uncurry((typedArrayPrototype as { set: (source: ArrayLike<number>, offset?: number) => void }).set);
const bufferAllocUnsafe = Buffer.allocUnsafe;

/**
 * A Buffer holding the bytes of `a` then `b` (if given), read from their internal slots. `Buffer.from` and
 * `Buffer.concat` run program code: `from` calls the value's `valueOf` (Object.prototype.valueOf, which the program
 * can replace), `concat` reads `length` through the prototype chain.
 */
function copyBytes(a: Uint8Array, b?: Uint8Array): Buffer {
  const first = typedArrayLength(a);
  const copy = bufferAllocUnsafe(first + (b === undefined ? 0 : typedArrayLength(b)));
  typedArraySet(copy, a, 0);
  if (b !== undefined) typedArraySet(copy, b, first);
  return copy;
}

/** A slot of `Error` or the global object governance set for a moment, and what to put back (see overrideSlot). */
interface SavedSlot {
  owner: object;
  key: string;
  descriptor: PropertyDescriptor | undefined;
}

/** `descriptor` copied into an object without a prototype, own fields only (defineProperty reads inherited ones). */
function ownDescriptor(descriptor: PropertyDescriptor): PropertyDescriptor {
  const copy = { __proto__: null } as unknown as Record<string, unknown>;
  const fields = ['value', 'writable', 'get', 'set', 'enumerable', 'configurable'];
  for (let i = 0; i < 6; i++) if (hasOwn(descriptor, fields[i])) copy[fields[i]] = (descriptor as Record<string, unknown>)[fields[i]];
  return copy as PropertyDescriptor;
}

/**
 * Sets `owner[key]` to `value` by defining it, never by assignment or a read: an accessor the program put there
 * (or on a prototype, for a slot `Error` does not have) would run program code in the middle of governance's work,
 * where the kernel lets calls through as its own (`Error.stackTraceLimit` set while a decision is made let a
 * program write a denied file until 2026-11-23). Notes what to restore in `saved`; false when the program made
 * the slot impossible to set (non-configurable and not a writable data property).
 */
function overrideSlot(owner: object, key: string, value: unknown, saved: SavedSlot[]): boolean {
  const found = getOwnPropertyDescriptor(owner, key);
  const descriptor = found === undefined ? undefined : ownDescriptor(found);
  if (descriptor !== undefined && hasOwn(descriptor, 'value') && descriptor.value === value) return true;
  if (descriptor === undefined || descriptor.configurable === true) {
    defineProperty(owner, key, { __proto__: null, value, writable: true, configurable: true, enumerable: descriptor !== undefined && descriptor.enumerable === true } as PropertyDescriptor);
  } else if (descriptor.writable === true) {
    defineProperty(owner, key, { __proto__: null, value } as PropertyDescriptor);
  } else {
    return false;
  }
  saved[saved.length] = { owner, key, descriptor };
  return true;
}

/** Puts back what overrideSlot changed, last first, as it was (an accessor as the accessor, a missing slot deleted). */
function restoreSlots(saved: SavedSlot[]): void {
  for (let i = saved.length - 1; i >= 0; i--) {
    const slot = saved[i];
    if (slot.descriptor === undefined) deleteProperty(slot.owner, slot.key);
    else defineProperty(slot.owner, slot.key, slot.descriptor);
  }
}

/** What quietErrors changed: the limit to put back (the usual case), or the slots it had to define. */
type QuietErrors = number | SavedSlot[];

/**
 * `Error.stackTraceLimit = 0` for governance's own calls whose errors it catches (no stack to collect), without
 * running a program's accessor; give the result to restoreErrors. Left as it is when the program locked it. Every
 * path call comes here: while the slot is a writable data property holding a number, as Node leaves it, plain
 * assignment runs no program code and costs about 30 ns, where defining the slot cost about 1 µs.
 */
function quietErrors(): QuietErrors {
  const found = getOwnPropertyDescriptor(OwnError, 'stackTraceLimit');
  if (isWritableData(found) && typeof found.value === 'number') {
    OwnError.stackTraceLimit = 0;
    return found.value;
  }
  const saved = newList<SavedSlot>();
  overrideSlot(OwnError, 'stackTraceLimit', 0, saved);
  return saved;
}

/** Undoes quietErrors. A slot that is no longer a writable data property is left as it is (no accessor runs). */
function restoreErrors(quiet: QuietErrors): void {
  if (typeof quiet !== 'number') return restoreSlots(quiet);
  if (isWritableData(getOwnPropertyDescriptor(OwnError, 'stackTraceLimit'))) OwnError.stackTraceLimit = quiet;
}

/** Whether a descriptor from getOwnPropertyDescriptor is a writable data property; `writable` is looked at only when own. */
function isWritableData(found: PropertyDescriptor | undefined): found is PropertyDescriptor {
  return found !== undefined && hasOwn(found, 'writable') && found.writable === true;
}

/**
 * Governance's own `Error.prepareStackTrace` and `stackTraceLimit` for reading call sites, set without running
 * program code. Node calls `globalThis.Error.prepareStackTrace`, so the global's `Error` is made ours for the
 * moment too (a program's own Error there would be called instead, and could forge the frames). Throws when the
 * program locked one of them another way: the caller cannot be known then.
 */
function stackTraceSlots(prepare: Function, limit: number): SavedSlot[] {
  const saved = newList<SavedSlot>();
  if (!overrideSlot(globalObject, 'Error', OwnError, saved) || !overrideSlot(OwnError, 'prepareStackTrace', prepare, saved) || !overrideSlot(OwnError, 'stackTraceLimit', limit, saved)) {
    restoreSlots(saved);
    throw new TypeError('Error.prepareStackTrace, Error.stackTraceLimit or the global Error is locked by the program');
  }
  return saved;
}

/**
 * An error's own string `code`, what Node's system errors carry (`ENOENT`, `ELOOP`), read without running a
 * program's accessor; null for any other error, such as the RangeError of an exhausted stack. Governance's checks
 * treat a system error as the file system's answer; anything else must not be taken for one (until 2026-11-23 a
 * realpath that ran out of stack decided a symlink by its own name, and Node then wrote where it pointed).
 */
function ownErrorCode(error: unknown): string | null {
  if ((typeof error !== 'object' && typeof error !== 'function') || error === null) return null;
  const found = getOwnPropertyDescriptor(error, 'code');
  if (found === undefined || !hasOwn(found, 'value')) return null;
  const value = found.value as unknown;
  return typeof value === 'string' ? value : null;
}

/** Rethrows `error` unless it is a system error (ownErrorCode): for catch blocks that stand for "the file system said no". */
function rethrowUnlessSystemError(error: unknown): void {
  if (ownErrorCode(error) === null) throw error;
}

export const primordials = freeze({
  apply,
  newList,
  setElement,
  copyBytes,
  ownOptions,
  quietErrors,
  restoreErrors,
  ownErrorCode,
  rethrowUnlessSystemError,
  stackTraceSlots,
  restoreSlots,
  stringList,
  hasOwn,
  defineProperty,
  getOwnPropertyDescriptor,
  ownKeys,
  getPrototypeOf,
  freeze,
  isFrozen,
  create,
  objectKeys,
  isArray,
  JSONStringify: JSON.stringify,
  JSONParse: JSON.parse,
  DateNow: Date.now,
  StringPrototypeStartsWith: uncurry(String.prototype.startsWith),
  StringPrototypeEndsWith: uncurry(String.prototype.endsWith),
  StringPrototypeSlice: stringSlice,
  StringPrototypeIndexOf: stringIndexOf,
  StringPrototypeLastIndexOf: uncurry(String.prototype.lastIndexOf),
  StringSplit: stringSplit,
  StringMapChars: stringMapChars,
  StringPrototypeToLowerCase: uncurry(String.prototype.toLowerCase),
  StringPrototypeToUpperCase: uncurry(String.prototype.toUpperCase),
  StringPrototypeCharCodeAt: uncurry(String.prototype.charCodeAt),
  RegExpPrototypeExec: regExpExec,
  // RegExp.prototype.test calls the regex's `exec` property, which user code can replace: exec is called directly.
  RegExpPrototypeTest: (re: RegExp, s: string): boolean => regExpExec(re, s) !== null,
  ArrayPrototypePush: uncurry(Array.prototype.push) as <T>(a: T[], ...items: T[]) => number,
  ArrayPrototypeJoin: uncurry(Array.prototype.join) as (a: readonly unknown[], sep?: string) => string,
  ArrayPrototypeSlice: uncurry(Array.prototype.slice) as <T>(a: readonly T[], start?: number, end?: number) => T[],
  ArrayPrototypeIncludes: uncurry(Array.prototype.includes) as (a: readonly unknown[], v: unknown) => boolean,
  MapPrototypeGet: uncurry(Map.prototype.get) as <K, V>(m: Map<K, V>, k: K) => V | undefined,
  MapPrototypeSet: uncurry(Map.prototype.set) as <K, V>(m: Map<K, V>, k: K, v: V) => Map<K, V>,
  MapPrototypeClear: uncurry(Map.prototype.clear) as (m: Map<unknown, unknown>) => void,
  MapPrototypeGetSize: uncurry(getOwnPropertyDescriptor(Map.prototype, 'size')!.get!) as (m: Map<unknown, unknown>) => number,
  SetPrototypeHas: uncurry(Set.prototype.has) as <T>(s: Set<T>, v: T) => boolean,
  SetPrototypeAdd: uncurry(Set.prototype.add) as <T>(s: Set<T>, v: T) => Set<T>,
  SetPrototypeDelete: uncurry(Set.prototype.delete) as <T>(s: Set<T>, v: T) => boolean,
  SetPrototypeClear: uncurry(Set.prototype.clear) as (s: Set<unknown>) => void,
  SetPrototypeGetSize: uncurry(getOwnPropertyDescriptor(Set.prototype, 'size')!.get!) as (s: Set<unknown>) => number,
  FunctionPrototypeBind: uncurry(Function.prototype.bind) as <F>(fn: F, thisArg: unknown, ...args: unknown[]) => F,
  PromiseReject: Promise.reject.bind(Promise) as (reason: unknown) => Promise<never>,
  SafeMap: Map,
  SafeSet: Set,
  Error,
  TypeError,
});
