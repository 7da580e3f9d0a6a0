// Built-ins captured when this module first loads, before user code runs, so that later
// tampering with prototypes or globals cannot change how governance behaves.
// Use `apply(fn, thisArg, args)` and the uncurried helpers below instead of method calls.

const { apply, defineProperty, getOwnPropertyDescriptor, ownKeys, getPrototypeOf, setPrototypeOf } = Reflect;
const { freeze, isFrozen, create, keys: objectKeys, hasOwn } = Object;
const { isArray } = Array;

const { bind, call } = Function.prototype;

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

export const primordials = freeze({
  apply,
  newList,
  setElement,
  ownOptions,
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
