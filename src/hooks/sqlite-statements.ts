// The files a SQL text makes SQLite open besides the database it runs on: `ATTACH [DATABASE] file AS name`,
// `VACUUM [schema] INTO file` and `PRAGMA temp_store_directory | data_store_directory = dir`. Read the way
// SQLite's tokenizer reads (comments, quoted strings and identifiers, ASCII whitespace); a file given by an
// expression or a bound parameter cannot be known before SQLite evaluates it and is reported as such.
import { primordials } from '../primordials';

const { ArrayPrototypeIncludes, RegExpPrototypeTest, StringPrototypeIndexOf, StringPrototypeSlice, StringPrototypeToUpperCase } = primordials;

/** A file the SQL names (`name` as SQLite will read it), or `null` when an expression names it. */
export interface SqlFile {
  statement: 'ATTACH' | 'VACUUM INTO' | 'PRAGMA';
  name: string | null;
}

const enum Kind { Word, Quoted, Str, Semi, Other }

interface Token {
  kind: Kind;
  /** Upper-cased for words; the unquoted value for strings and quoted identifiers. */
  text: string;
  /** A word as written (SQLite reads a bare identifier used as a file name as a string). */
  raw: string;
}

const SPACE = /[ \t\n\f\r]/;
const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;

function isIn(set: RegExp, sql: string, at: number): boolean {
  return at < sql.length && RegExpPrototypeTest(set, sql[at]);
}

/** The end of a quoted run opened at `at` by `quote`, a doubled quote escaping it; the text between. */
function quoted(sql: string, at: number, close: string): { end: number; text: string } {
  let text = '';
  let i = at + 1;
  for (;;) {
    const next = StringPrototypeIndexOf(sql, close, i);
    if (next === -1) return { end: sql.length, text: text + StringPrototypeSlice(sql, i) };
    text += StringPrototypeSlice(sql, i, next);
    if (close !== ']' && sql[next + 1] === close) {
      text += close;
      i = next + 2;
      continue;
    }
    return { end: next + 1, text };
  }
}

function tokenize(sql: string): Token[] {
  const tokens = primordials.newList<Token>();
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (RegExpPrototypeTest(SPACE, c)) i++;
    else if (c === '-' && sql[i + 1] === '-') {
      const end = StringPrototypeIndexOf(sql, '\n', i);
      i = end === -1 ? sql.length : end + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = StringPrototypeIndexOf(sql, '*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
    } else if ((c === 'x' || c === 'X') && sql[i + 1] === '\'') {
      i = quoted(sql, i + 1, '\'').end; // a blob literal
      tokens[tokens.length] = { kind: Kind.Other, text: 'X\'\'', raw: '' };
    } else if (c === '\'' || c === '"' || c === '`' || c === '[') {
      const run = quoted(sql, i, c === '[' ? ']' : c);
      tokens[tokens.length] = { kind: c === '\'' ? Kind.Str : Kind.Quoted, text: run.text, raw: run.text };
      i = run.end;
    } else if (isIn(WORD_START, sql, i)) {
      let end = i + 1;
      while (isIn(WORD_PART, sql, end)) end++;
      const raw = StringPrototypeSlice(sql, i, end);
      tokens[tokens.length] = { kind: Kind.Word, text: StringPrototypeToUpperCase(raw), raw };
      i = end;
    } else {
      tokens[tokens.length] = { kind: c === ';' ? Kind.Semi : Kind.Other, text: c, raw: c };
      i++;
    }
  }
  return tokens;
}

function isWord(token: Token | undefined, word: string): boolean {
  return token !== undefined && token.kind === Kind.Word && token.text === word;
}

/** A file name given as one token: a string, a quoted or bare identifier (SQLite reads these as strings). */
function fileName(tokens: Token[], from: number, to: number): string | null {
  if (to - from !== 1) return null;
  const token = tokens[from];
  if (token.kind === Kind.Str || token.kind === Kind.Quoted) return token.text;
  return token.kind === Kind.Word ? token.raw : null;
}

/** The index of `word` at nesting depth 0 in [from, to), or -1. */
function findWord(tokens: Token[], from: number, to: number, word: string): number {
  let depth = 0;
  for (let i = from; i < to; i++) {
    const token = tokens[i];
    if (token.kind === Kind.Other && token.text === '(') depth++;
    else if (token.kind === Kind.Other && token.text === ')') depth--;
    else if (depth === 0 && isWord(token, word)) return i;
  }
  return -1;
}

const DIRECTORY_PRAGMAS = ['TEMP_STORE_DIRECTORY', 'DATA_STORE_DIRECTORY'];

function statementFile(tokens: Token[], start: number, end: number): SqlFile | null {
  let i = start;
  if (isWord(tokens[i], 'EXPLAIN')) i += isWord(tokens[i + 1], 'QUERY') && isWord(tokens[i + 2], 'PLAN') ? 3 : 1;
  if (isWord(tokens[i], 'ATTACH')) {
    const from = isWord(tokens[i + 1], 'DATABASE') ? i + 2 : i + 1;
    const as = findWord(tokens, from, end, 'AS');
    return { statement: 'ATTACH', name: fileName(tokens, from, as === -1 ? end : as) };
  }
  if (isWord(tokens[i], 'VACUUM')) {
    const into = findWord(tokens, i + 1, end, 'INTO');
    return into === -1 ? null : { statement: 'VACUUM INTO', name: fileName(tokens, into + 1, end) };
  }
  if (isWord(tokens[i], 'PRAGMA')) {
    let name = i + 1;
    if (tokens[name + 1]?.text === '.') name += 2;
    const pragma = tokens[name];
    if (pragma === undefined || (pragma.kind !== Kind.Word && pragma.kind !== Kind.Quoted)) return null;
    if (!ArrayPrototypeIncludes(DIRECTORY_PRAGMAS, StringPrototypeToUpperCase(pragma.text))) return null;
    const value = tokens[name + 1];
    if (value === undefined) return null; // a query of the setting
    const from = name + 2;
    const to = value.text === '(' ? end - 1 : end;
    const dir = fileName(tokens, from, to);
    return dir === '' ? null : { statement: 'PRAGMA', name: dir };
  }
  return null;
}

/** Every file `sql` names for SQLite to open, in order. */
export function filesNamedBySql(sql: string): SqlFile[] {
  const tokens = tokenize(sql);
  const files = primordials.newList<SqlFile>();
  let start = 0;
  for (let i = 0; i <= tokens.length; i++) {
    if (i < tokens.length && tokens[i].kind !== Kind.Semi) continue;
    if (i > start) {
      const file = statementFile(tokens, start, i);
      if (file !== null) files[files.length] = file;
    }
    start = i + 1;
  }
  return files;
}
