// Internal types of the secret check. The public rule shape is TextRule from ../types.

/** A detector that recognises a secret by its own format (a provider prefix, a PEM header...). */
export interface PatternDetector {
  /** Rule id without the `secret/` prefix. */
  id: string;
  /** What the secret is, used in messages, e.g. `GitHub personal access token`. */
  label: string;
  /** Literal substrings one of which must be present (case-sensitive) before the pattern runs. */
  anchors: readonly string[];
  /** Global regex; capture group 1, when present, is the secret, else the whole match. */
  pattern: RegExp;
  /** Minimum Shannon entropy (bits per character) of the secret. */
  minEntropy?: number;
  /** Extra check on the secret; return false to drop the match. */
  accept?: (secret: string) => boolean;
}

/** A `key <operator> value` pair found in text (any syntax: env, YAML, JSON, code, XML...). */
export interface Assignment {
  key: string;
  value: string;
  /** The value was written in quotes (so it is a literal, not a variable). */
  quoted: boolean;
  /** The operator between key and value: `=`, `:`, `:=`, `=>`, `,` (argument list), `>` (XML), ` ` (flag). */
  operator: string;
  /** Offset of the first character of the value. */
  valueStart: number;
}

/** A secret found at an offset range of the text. */
export interface SecretSpan {
  start: number;
  end: number;
  secret: string;
}

/** Anything that finds secrets in a text; each finder becomes one rule `secret/<id>`. */
export interface SecretFinder {
  id: string;
  label: string;
  find(text: string): SecretSpan[];
}
