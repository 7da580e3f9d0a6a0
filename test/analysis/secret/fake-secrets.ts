// Builds secret-shaped test strings at run time, so the repository holds no literal secrets and the
// tests do not depend on any corpus string. Deterministic: the same seed gives the same string.

export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
export const HEX = '0123456789abcdef';
export const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `length` characters from `alphabet`, pseudo-random from `seed` (xorshift). */
export function randomString(alphabet: string, length: number, seed = 1): string {
  let state = (seed * 2654435761) >>> 0 || 1;
  let out = '';
  while (out.length < length) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    const char = alphabet[state % alphabet.length]!;
    // Avoid accidental ascending runs, which the placeholder filter rightly rejects.
    if (out.length > 0 && char.charCodeAt(0) - out.charCodeAt(out.length - 1) === 1) continue;
    out += char;
  }
  return out;
}

/** Joins parts at run time: `join('gh', 'p_', body)`. */
export function join(...parts: string[]): string {
  return parts.join('');
}
