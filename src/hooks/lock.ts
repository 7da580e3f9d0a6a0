// Installs wrappers so user code can neither replace them nor tell them apart from the originals by
// shape: same `name` and `length`, the original's extra own properties (e.g. util.promisify.custom),
// and a non-writable, non-configurable slot on the owner.
import { primordials } from '../primordials';

const { defineProperty, getOwnPropertyDescriptor, ownKeys } = primordials;

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
