// Replaces a class with a checking stand-in that stays indistinguishable where it matters: the same
// prototype object (instanceof works), the same statics, subclassing and Reflect.construct go through
// the check, and `prototype.constructor` no longer leads back to the original.
import { primordials } from '../primordials';
import { lockProperty, shapeLike } from './lock';

const { defineProperty, getPrototypeOf } = primordials;
const construct = Reflect.construct;
const setPrototypeOf = Reflect.setPrototypeOf;

/**
 * A constructor that calls `check(args)` (which throws to refuse) and then constructs `Original` with
 * the caller's `new.target`. `parent` becomes its [[Prototype]] (default: the original's parent); `build`
 * constructs (default: Reflect.construct).
 */
export function governClass(Original: Function, check: (args: unknown[]) => unknown[] | void, parent?: object, build: (Original: Function, args: unknown[], newTarget: Function) => unknown = construct): Function {
  const governed = function (this: unknown, ...args: unknown[]): unknown {
    if (new.target === undefined) throw new primordials.TypeError(`Class constructor ${Original.name} cannot be invoked without 'new'`);
    const checkedArgs = check(args) ?? args;
    return build(Original, checkedArgs, new.target);
  };
  shapeLike(governed, Original);
  defineProperty(governed, 'prototype', { value: Original.prototype, writable: false });
  setPrototypeOf(governed, parent ?? getPrototypeOf(Original));
  lockProperty(Original.prototype, 'constructor', governed);
  return governed;
}
