// The captured built-ins hold when user code replaces what the builtin methods look up indirectly.
import { afterEach, describe, expect, it } from 'vitest';
import { primordials } from '../../src/primordials';

const { RegExpPrototypeTest, StringMapChars, StringSplit } = primordials;
const saved = { exec: RegExp.prototype.exec, split: Object.getOwnPropertyDescriptor(String.prototype, Symbol.split) };

afterEach(() => {
  RegExp.prototype.exec = saved.exec;
  if (saved.split === undefined) delete (String.prototype as unknown as Record<symbol, unknown>)[Symbol.split];
});

describe('RegExpPrototypeTest', () => {
  it('answers like RegExp#test, and keeps answering when RegExp.prototype.exec is replaced', () => {
    expect([RegExpPrototypeTest(/^\/tmp\//, '/tmp/x'), RegExpPrototypeTest(/^\/tmp\//, '/etc/x')]).toEqual([true, false]);
    RegExp.prototype.exec = () => null;
    expect(/^\/tmp\//.test('/tmp/x')).toBe(false); // what a rule match relying on RegExp#test would see
    expect([RegExpPrototypeTest(/^\/tmp\//, '/tmp/x'), RegExpPrototypeTest(/^\/tmp\//, '/etc/x')]).toEqual([true, false]);
  });
});

describe('StringSplit', () => {
  it.each([
    ['/usr/bin:/bin', ':', ['/usr/bin', '/bin']],
    ['/a//b/', '/', ['', 'a', '', 'b', '']],
    ['', ':', ['']],
    ['abc', '::', ['abc']],
  ])('splits %j on %j like String#split', (s, sep, parts) => {
    expect(StringSplit(s, sep)).toEqual(parts);
    expect(StringSplit(s, sep)).toEqual(s.split(sep));
  });

  it('ignores a String.prototype[Symbol.split] defined by user code, and refuses an empty separator', () => {
    // Node 20 and 22 consult it for a string separator; newer V8 no longer does for primitives.
    (String.prototype as unknown as Record<symbol, unknown>)[Symbol.split] = () => ['hijacked'];
    expect(StringSplit('/a/b', '/')).toEqual(['', 'a', 'b']);
    expect(() => StringSplit('ab', '')).toThrow(/non-empty separator/);
  });
});

describe('StringMapChars', () => {
  it('drops or replaces each listed character', () => {
    expect(StringMapChars(`"ls" 'x' a\\b`, `"'\\`, '')).toEqual('ls x ab');
    expect(StringMapChars('--expose_internals', '_', '-')).toBe('--expose-internals');
  });
});

describe('quietErrors and restoreErrors', () => {
  const { quietErrors, restoreErrors } = primordials;
  const original = Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit')!;
  afterEach(() => {
    Object.defineProperty(Error, 'stackTraceLimit', original);
  });

  it('sets the limit to 0 and puts the number back, the slot staying a plain data property', () => {
    Error.stackTraceLimit = 17;
    const quiet = quietErrors();
    expect(Error.stackTraceLimit).toBe(0);
    restoreErrors(quiet);
    expect(Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit')).toEqual({ ...original, value: 17 });
  });

  it('runs no accessor of the program: one on the slot is defined over and put back as it was', () => {
    const calls: string[] = [];
    const accessor = { get: () => { calls.push('get'); return 10; }, set: () => { calls.push('set'); }, configurable: true, enumerable: true };
    Object.defineProperty(Error, 'stackTraceLimit', accessor);
    const quiet = quietErrors();
    expect(Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit')?.value).toBe(0);
    restoreErrors(quiet);
    expect(Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit')).toEqual(accessor);
    expect(calls).toEqual([]);
  });

  it('reads no `writable` a program put on Object.prototype, and leaves a slot turned into an accessor meanwhile alone', () => {
    const calls: string[] = [];
    Object.defineProperty(Object.prototype, 'writable', { get: () => { calls.push('writable'); return true; }, configurable: true });
    const accessor = { __proto__: null, get: () => { calls.push('get'); return 3; }, set: () => { calls.push('set'); }, configurable: true, enumerable: true };
    try {
      const quiet = quietErrors();
      Object.defineProperty(Error, 'stackTraceLimit', accessor as PropertyDescriptor);
      restoreErrors(quiet);
    } finally {
      delete (Object.prototype as { writable?: unknown }).writable;
    }
    expect(Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit')).toEqual({ ...accessor });
    expect(calls).toEqual([]);
  });
});
