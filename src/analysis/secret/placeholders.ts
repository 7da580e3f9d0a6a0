// Values that stand for a secret without being one: references to the environment or a template,
// documentation placeholders, masked or redacted values, and obviously made-up strings.

const REFERENCE = /^(?:\$|%\(?\w|#\{|\{\{|<%|@\{|process\.env|import\.meta\.env|os\.environ|os\.getenv|getenv|env\(|ENV\[|System\.getenv|secrets\.|vars\.|var\.|local\.|module\.|data\.|Deno\.env|config\.|settings\.|ctx\.|context\.|args\.|props\.|this\.|self\.)/i;

const PLACEHOLDER_WORDS = /(?:x{4}|\*{3}|\.{2}$|…|#{4}|your[_-]?|my[_-]?(?:api|secret|token|pass)|changeme|change[_-]me|replace|placeholder|example|sample|dummy|redacted|removed|hidden|insert[_-]|enter[_-]|put[_-]|_here|-here|todo|fixme|tbd|notreal|not[_-]a[_-]real|fake|foobar|lorem|secret[_-]?(?:value|here)|^(?:password|passwd|password123|secret|token|test|none|null|nil|undefined|true|false|admin|root|default|empty|string)$)/i;

/** `${VAR}`, `process.env.X`, `{{ .Values.x }}`, `<your key>`, `%TOKEN%`... */
export function isReference(value: string): boolean {
  if (REFERENCE.test(value) || /\$\{|\{\{|#\{|%\{/.test(value)) return true;
  const first = value[0];
  const last = value[value.length - 1];
  if ((first === '<' && last === '>') || (first === '[' && last === ']') || (first === '{' && last === '}')) return true;
  return first === '%' && last === '%';
}

/** `YOUR_API_KEY`, `xxxx`, `changeme`, `****`, `<redacted>`, `abcdefgh12345678`... */
export function isPlaceholder(value: string): boolean {
  return PLACEHOLDER_WORDS.test(value) || hasAscendingRun(value, 6) || distinctCharacters(value) < 5;
}

/** True when `value` holds `length` or more consecutive ascending characters (`abcdef`, `123456`). */
export function hasAscendingRun(value: string, length: number): boolean {
  let run = 1;
  for (let i = 1; i < value.length; i++) {
    run = value.charCodeAt(i) - value.charCodeAt(i - 1) === 1 ? run + 1 : 1;
    if (run >= length) return true;
  }
  return false;
}

function distinctCharacters(value: string): number {
  return new Set(value.toLowerCase()).size;
}
