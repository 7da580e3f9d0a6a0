import type { Assignment } from './types';

// Finds `key <operator> value` pairs in any text syntax: `KEY=value` (.env, INI, shell), `key: value`
// (YAML), `"key": "value"` (JSON), `key := "value"` (Go), `$key .= "value"` (PHP), `"key" => "value"`,
// `setProperty("KEY", "value")`, `<key>value</key>` (XML) and `--key value` (command lines).
// The scan starts from keyword occurrences (found by an AnchorIndex) and only looks a bounded distance
// around each, so it stays linear in the text length.

const MAX_KEY = 100;
const MAX_VALUE = 1000;
const QUOTES = '"\'`';
const TYPE_WORD = /[ \t]+(?:string|String|str)(?=[ \t]*[:=])/y;
const OPERATOR = /[ \t]*(:{1,3}=|[?.+|]=|=>|={1,3}|:(?!:)|,|>)[ \t]*/y;
const SPACE_OPERATOR = /[ \t]+(?=\S)/y;
const UNQUOTED_STOP = /[\s"'`,;()<>\\{}[\]?&]/;
/** An unquoted value starting with an operator is an expression (`!x`, `&y`, `*p`), not a literal. */
const CODE_START = /[!&|?*]/;

function isKeyChar(code: number): boolean {
  return (
    (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) ||
    code === 95 || code === 46 || code === 45 || code === 36 || code === 64
  );
}

/** Every assignment whose key contains one of the keyword occurrences `hits` (in text order). */
export function findAssignments(text: string, hits: readonly { start: number; end: number }[]): Assignment[] {
  const found: Assignment[] = [];
  let scannedTo = 0;
  for (const hit of hits) {
    if (hit.start < scannedTo) continue;
    let keyStart = hit.start;
    while (keyStart > 0 && hit.start - keyStart < MAX_KEY && isKeyChar(text.charCodeAt(keyStart - 1))) keyStart--;
    let keyEnd = hit.end;
    while (keyEnd < text.length && keyEnd - keyStart < MAX_KEY && isKeyChar(text.charCodeAt(keyEnd))) keyEnd++;
    scannedTo = keyEnd;
    const assignment = readAssignment(text, keyStart, keyEnd);
    if (!assignment) continue;
    found.push(assignment);
    // An unquoted value runs to a delimiter; keys inside it (`token=token=...`) are not separate assignments.
    if (!assignment.quoted) scannedTo = assignment.valueStart + assignment.value.length;
  }
  return found;
}

function readAssignment(text: string, keyStart: number, keyEnd: number): Assignment | undefined {
  const key = text.slice(keyStart, keyEnd);
  const before = text[keyStart - 1] ?? '';
  let at = keyEnd;
  const keyQuoted = QUOTES.includes(before) && before !== '' && text[at] === before;
  if (keyQuoted) at++;
  if (text[at] === ']') at++;
  TYPE_WORD.lastIndex = at;
  if (TYPE_WORD.test(text)) at = TYPE_WORD.lastIndex;
  const operator = readOperator(text, at, key, before, keyQuoted);
  if (!operator) return undefined;
  at = operator.end;
  if (operator.symbol === '>') while (at < text.length && at - operator.end < 200 && /\s/.test(text[at]!)) at++;
  const value = readValue(text, at);
  return value && { key, operator: operator.symbol, ...value };
}

function readOperator(text: string, at: number, key: string, before: string, keyQuoted: boolean): { symbol: string; end: number } | undefined {
  OPERATOR.lastIndex = at;
  const match = OPERATOR.exec(text);
  if (match) {
    const symbol = match[1]!;
    if (symbol === ',' && !keyQuoted) return undefined;
    if (symbol === '>' && before !== '<') return undefined;
    return { symbol, end: OPERATOR.lastIndex };
  }
  if (!key.startsWith('-')) return undefined;
  SPACE_OPERATOR.lastIndex = at;
  return SPACE_OPERATOR.test(text) ? { symbol: ' ', end: SPACE_OPERATOR.lastIndex } : undefined;
}

function readValue(text: string, at: number): Pick<Assignment, 'value' | 'quoted' | 'valueStart'> | undefined {
  const quote = text[at] ?? '';
  if (quote !== '' && QUOTES.includes(quote)) {
    let end = at + 1;
    while (end < text.length && end - at < MAX_VALUE && text[end] !== quote && text[end] !== '\n') end++;
    if (text[end] !== quote) return undefined;
    return { value: text.slice(at + 1, end), quoted: true, valueStart: at + 1 };
  }
  if (CODE_START.test(quote)) return undefined;
  let end = at;
  while (end < text.length && end - at < MAX_VALUE && !UNQUOTED_STOP.test(text[end]!)) end++;
  if (end === at || text[end] === '(' || text[end] === '[') return undefined;
  return { value: text.slice(at, end), quoted: false, valueStart: at };
}
