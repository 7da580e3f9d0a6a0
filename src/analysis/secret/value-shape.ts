import { shannonEntropy } from './entropy';
import { isPlaceholder, isReference } from './placeholders';

// Decides whether a value assigned to a secret-named key looks like a real secret rather than code,
// a word, a path, a URL, an identifier or a placeholder.

const DOTTED_IDENTIFIER = /^[A-Za-z_$][\w$]{0,30}(?:(?:\.|::|->)[A-Za-z_$][\w$]{0,30})+(?:\(\))?$/;
const VERSION_SUFFIX = /[-_.:]v?\d{1,6}\.\d{1,6}(?:\.\d{1,6})?(?:[-.+][\w.]{1,40})?$/;
const FILE_NAME = /\.(?:pem|key|p12|pfx|crt|cer|der|jks|keystore|keytab|json|ya?ml|txt|xml|ini|conf|cfg|env|properties|js|ts|py|sh|html?|png|jpe?g|gif|svg|zip|gz|tar|log|csv)$/i;
const PATH_OR_URL = /^(?:\.{0,2}\/|~\/|[A-Za-z]:\\|[a-z][a-z0-9+.-]*:\/\/(?![^/@\s]*:[^/@\s]*@))/i;
const EMAIL = /^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$/;
const VERSION_OR_DATE = /^v?\d+(?:[._:/-]\d+)+(?:[-+.][\w.-]*)?$/i;
/** Regex source (`[A-Za-z0-9]{40}`, `\\d+`): code that describes secrets, not a secret. */
const REGEX_SYNTAX = /\[[^\]]{1,40}\][*+?{]|\{\d{1,4}(?:,\d{0,4})?\}|\\[dswbDSWB]/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ValueShapeOptions {
  minLength: number;
  /** Bits per character; scaled down for short values, which cannot reach high entropy. */
  minEntropy: number;
  /** Accept a long run of digits (16 or more), as some services issue numeric secrets. */
  allowDigits?: boolean;
  /** Accept words with a digit or symbol (`thisIsDog11`, `hunter2!`): true for quoted password values. */
  allowWords?: boolean;
}

/** True when `value` plausibly is a hard-coded secret. */
export function looksLikeSecret(value: string, options: ValueShapeOptions): boolean {
  if (value.length < options.minLength || value.length > 1000) return false;
  if (/[^\x21-\x7e]/.test(value)) return false;
  if (isReference(value) || isPlaceholder(value)) return false;
  if (UUID.test(value)) return true;
  const wordsAllowed = options.allowWords === true && /[^A-Za-z]/.test(value);
  if (isPropertyChain(value) || (!wordsAllowed && isWords(value))) return false;
  if (REGEX_SYNTAX.test(value) || VERSION_SUFFIX.test(value) || FILE_NAME.test(value) || PATH_OR_URL.test(value) || EMAIL.test(value) || VERSION_OR_DATE.test(value)) return false;
  if (/^\d+$/.test(value) && !(options.allowDigits && value.length >= 16)) return false;
  if (/^[a-z]+$/.test(value) || /^[A-Z_]+$/.test(value)) return false;
  return shannonEntropy(value) >= requiredEntropy(value, options.minEntropy);
}

/**
 * The entropy bar for `value`: `minEntropy`, lowered for values too short or drawn from too small an alphabet
 * (digits, hex) to reach it; n equally likely symbols give at most log2(n) bits per character.
 */
function requiredEntropy(value: string, minEntropy: number): number {
  const alphabet = /^\d+$/.test(value) ? 10 : /^[0-9a-f]+$/i.test(value) ? 16 : 64;
  return Math.min(minEntropy, Math.log2(Math.min(value.length, alphabet)) * 0.8);
}

/** `this.result.issues`, `X25519.KeyPair`, `Foo::bar`: code reading a property, not a literal. */
function isPropertyChain(value: string): boolean {
  return DOTTED_IDENTIFIER.test(value) && value.split(/\.|::|->/).every((part) => part.length <= 8 || isWords(part.replace(/\(\)$/, '')));
}

/** `sumOfExposures`, `ultraPictureBox1`, `DOC_Vector`: identifiers and names made of words. */
function isWords(value: string): boolean {
  const core = value.replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '').replace(/\d{1,3}$/, '');
  if (!/^[A-Za-z][A-Za-z_.-]*$/.test(core)) return false;
  const pieces = core.match(/[A-Z]?[a-z]+|[A-Z]+(?![a-z])/g) ?? [];
  const short = pieces.filter((piece) => piece.length < 3).length;
  return short <= 1 && pieces.every(isWordLike);
}

function isWordLike(piece: string): boolean {
  if (piece.length > 15) return false;
  const vowels = piece.match(/[aeiouy]/gi)?.length ?? 0;
  return piece.length <= 5 || vowels / piece.length >= 0.2;
}
