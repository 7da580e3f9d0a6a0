// Installs wrappers so user code can neither replace them nor tell them apart from the originals by
// shape: same `name` and `length`, the original's extra own properties (e.g. util.promisify.custom),
// and a non-writable, non-configurable slot on the owner.
import type { GovernanceDeniedError } from '../kernel/errors';
import { primordials } from '../primordials';

const { apply, defineProperty, getOwnPropertyDescriptor, ownKeys } = primordials;
const construct = Reflect.construct;

const SHAPE_KEYS = ['name', 'length', 'prototype'];

/** Gives `wrapper` the original's name, length and own extra properties (never a link to the original). */
export function shapeLike<W extends Function>(wrapper: W, original: Function): W {
  defineProperty(wrapper, 'name', { value: original.name, configurable: true });
  defineProperty(wrapper, 'length', { value: original.length, configurable: true });
  const keys = ownKeys(original);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (typeof key === 'string' && primordials.ArrayPrototypeIncludes(SHAPE_KEYS, key)) continue;
    const descriptor = getOwnPropertyDescriptor(original, key);
    if (descriptor !== undefined && getOwnPropertyDescriptor(wrapper, key) === undefined) defineProperty(wrapper, key, descriptor);
  }
  return wrapper;
}

/** Replaces `owner[key]` with `value` and locks the slot. Keeps the original's enumerability. */
export function lockProperty(owner: object, key: PropertyKey, value: unknown): void {
  const existing = getOwnPropertyDescriptor(owner, key);
  defineProperty(owner, key, {
    value,
    writable: false,
    configurable: false,
    enumerable: existing === undefined ? true : existing.enumerable === true,
  });
}

/**
 * Replaces the function `owner[name]` (if there is one) by a locked wrapper of the same shape: `decide` sees the
 * arguments (and may rewrite them in place); a denial it returns is thrown, otherwise the original runs.
 */
export function guardMethod(owner: object, name: string, decide: (args: unknown[]) => GovernanceDeniedError | null, made?: (result: unknown, threw: boolean) => unknown): void {
  const original = (owner as Record<string, unknown>)[name];
  if (typeof original !== 'function') return;
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    const denied = decide(args);
    if (denied !== null) throw denied;
    return made === undefined ? apply(original, this, args) : after(() => apply(original, this, args), made);
  };
  lockProperty(owner, name, shapeLike(wrapper, original));
}

/**
 * Replaces the class `owner[name]` (if there is one) by a locked constructor of the same shape that shares its
 * prototype, whose `constructor` then leads back to the governed one: `decide` sees the arguments, as in
 * guardMethod. Subclasses of it construct through it.
 */
export function guardConstructor(owner: object, name: string, decide: (args: unknown[]) => GovernanceDeniedError | null, made?: (result: unknown, threw: boolean) => unknown): void {
  const Original = (owner as Record<string, unknown>)[name];
  if (typeof Original !== 'function') return;
  const Governed = function (this: unknown, ...args: unknown[]): unknown {
    if (new.target === undefined) return apply(Original, this, args); // Node throws its own "needs new" error
    const denied = decide(args);
    if (denied !== null) throw denied;
    const target = new.target;
    return made === undefined ? construct(Original, args, target) : after(() => construct(Original, args, target), made);
  };
  shapeLike(Governed, Original);
  defineProperty(Governed, 'prototype', { value: Original.prototype, writable: false });
  lockProperty(Original.prototype as object, 'constructor', Governed);
  lockProperty(owner, name, Governed);
}

/** `call()`, then `made` with its result (what is returned) or, when it threw, with nothing before the error goes on. */
function after(call: () => unknown, made: (result: unknown, threw: boolean) => unknown): unknown {
  let result: unknown;
  try {
    result = call();
  } catch (error) {
    made(undefined, true);
    throw error;
  }
  return made(result, false);
}
