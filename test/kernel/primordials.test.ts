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
