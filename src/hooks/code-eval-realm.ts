// Governs `eval` and the four Function-family constructors of one realm. The function is
// self-contained (it uses only its own realm's built-ins) because its source is also run inside every
// new vm context, whose intrinsics are separate from the host's.

/** Called before code is generated from a string; throws to refuse. */
export type RealmCheck = (target: 'eval' | 'function') => void;
/** Called with the code itself once it is allowed (the files its comments make Node read); throws to refuse. */
export type RealmCodeCheck = (code: string) => void;

/**
 * Replaces `globalThis.eval`, `globalThis.Function` and the `constructor` slots of the Function,
 * AsyncFunction, GeneratorFunction and AsyncGeneratorFunction prototypes with checking wrappers, and
 * locks those slots. A direct `eval(x)` now calls the wrapper, so it evaluates in the global scope
 * (indirect-eval semantics): V8 gives direct eval its caller's scope only for the original intrinsic.
 * A constructor's arguments are converted to strings once, here, and those strings are what is checked
 * and compiled: an object whose toString answers differently the second time cannot swap the code.
 */
export function governRealm(check: RealmCheck, checkCode: RealmCodeCheck): void {
  'use strict';
  const { construct, defineProperty, getPrototypeOf, setPrototypeOf } = Reflect;
  const lock = (owner: object, key: string, value: unknown) =>
    defineProperty(owner, key, { value, writable: false, enumerable: false, configurable: false });
  const originalEval = globalThis.eval;
  const governedEval = {
    eval(source: unknown): unknown {
      if (typeof source === 'string') {
        check('eval');
        checkCode(source);
      }
      return originalEval(source as string);
    },
  }.eval;
  const governConstructor = (Original: Function, parent: object | null): Function => {
    const governed = function (this: unknown, ...args: unknown[]): unknown {
      check('function');
      // No prototype: an index setter the program put on Array.prototype can neither see nor swap the texts.
      const texts: string[] = [];
      setPrototypeOf(texts, null);
      let code = '';
      for (let i = 0; i < args.length; i++) {
        const text = `${args[i] as string}`; // ToString, as V8 converts them (a symbol throws the same TypeError)
        texts[i] = text;
        code += `${text}\n`;
      }
      checkCode(code);
      return construct(Original, texts, new.target === undefined ? Original : new.target);
    };
    defineProperty(governed, 'name', { value: Original.name, configurable: true });
    defineProperty(governed, 'length', { value: 1, configurable: true });
    defineProperty(governed, 'prototype', { value: Original.prototype, writable: false });
    if (parent !== null) setPrototypeOf(governed, parent);
    lock(Original.prototype, 'constructor', governed);
    return governed;
  };
  const constructorOf = (fn: Function): Function => (getPrototypeOf(fn) as { constructor: Function }).constructor;
  const governedFunction = governConstructor(constructorOf(function () {}), null);
  governConstructor(constructorOf(async function () {}), governedFunction);
  governConstructor(constructorOf(function* () {}), governedFunction);
  governConstructor(constructorOf(async function* () {}), governedFunction);
  lock(globalThis, 'Function', governedFunction);
  lock(globalThis, 'eval', governedEval);
}
