// Installs wrappers so user code can neither replace them nor tell them apart from the originals by
// shape: same `name` and `length`, the original's extra own properties (e.g. util.promisify.custom),
// and a non-writable, non-configurable slot on the owner.
import type { GovernanceDeniedError } from '../kernel/errors';
import { primordials } from '../primordials';

const { apply, defineProperty, getOwnPropertyDescriptor, ownKeys } = primordials;

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
export function guardMethod(owner: object, name: string, decide: (args: unknown[]) => GovernanceDeniedError | null): void {
  const original = (owner as Record<string, unknown>)[name];
  if (typeof original !== 'function') return;
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    const denied = decide(args);
    if (denied !== null) throw denied;
    return apply(original, this, args);
  };
  lockProperty(owner, name, shapeLike(wrapper, original));
}
