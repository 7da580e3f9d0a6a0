// Built-ins captured when this module first loads, before user code runs, so that later
// tampering with prototypes or globals cannot change how governance behaves.
// Use `apply(fn, thisArg, args)` and the uncurried helpers below instead of method calls.

const { apply, defineProperty, getOwnPropertyDescriptor, ownKeys, getPrototypeOf } = Reflect;
const { freeze, isFrozen, create, keys: objectKeys } = Object;
const { isArray } = Array;

const { bind, call } = Function.prototype;

/**
 * `call` bound to `fn`, as Node's own `uncurryThis`: no argument array per call, which matters in the
 * unoptimised code a short process mostly runs (about half the cost of a rest-and-apply wrapper there).
 */
function uncurry<T, A extends unknown[], R>(fn: (this: T, ...args: A) => R): (self: T, ...args: A) => R {
  return apply(bind, call, [fn]) as (self: T, ...args: A) => R;
}

export const primordials = freeze({
  apply,
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
  StringPrototypeSlice: uncurry(String.prototype.slice),
  StringPrototypeIndexOf: uncurry(String.prototype.indexOf),
  StringPrototypeLastIndexOf: uncurry(String.prototype.lastIndexOf),
  StringPrototypeReplace: uncurry(String.prototype.replace) as unknown as (s: string, p: RegExp | string, r: string) => string,
  StringPrototypeSplit: uncurry(String.prototype.split) as unknown as (s: string, sep: string) => string[],
  StringPrototypeToLowerCase: uncurry(String.prototype.toLowerCase),
  StringPrototypeCharCodeAt: uncurry(String.prototype.charCodeAt),
  RegExpPrototypeExec: uncurry(RegExp.prototype.exec),
  RegExpPrototypeTest: uncurry(RegExp.prototype.test),
  ArrayPrototypePush: uncurry(Array.prototype.push) as <T>(a: T[], ...items: T[]) => number,
  ArrayPrototypeJoin: uncurry(Array.prototype.join) as (a: readonly unknown[], sep?: string) => string,
  ArrayPrototypeSlice: uncurry(Array.prototype.slice) as <T>(a: readonly T[], start?: number, end?: number) => T[],
  ArrayPrototypeIncludes: uncurry(Array.prototype.includes) as (a: readonly unknown[], v: unknown) => boolean,
  MapPrototypeGet: uncurry(Map.prototype.get) as <K, V>(m: Map<K, V>, k: K) => V | undefined,
  MapPrototypeSet: uncurry(Map.prototype.set) as <K, V>(m: Map<K, V>, k: K, v: V) => Map<K, V>,
  MapPrototypeClear: uncurry(Map.prototype.clear) as (m: Map<unknown, unknown>) => void,
  MapPrototypeGetSize: uncurry(getOwnPropertyDescriptor(Map.prototype, 'size')!.get!) as (m: Map<unknown, unknown>) => number,
  FunctionPrototypeBind: uncurry(Function.prototype.bind) as <F>(fn: F, thisArg: unknown, ...args: unknown[]) => F,
  PromiseReject: Promise.reject.bind(Promise) as (reason: unknown) => Promise<never>,
  SafeMap: Map,
  SafeSet: Set,
  Error,
  TypeError,
});
