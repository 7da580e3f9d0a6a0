// The identifier names and string values of a file (once per tree), for the synthetic_data rules' mayReport:
// every name a rule resolves (`random`, `pseudoRandomBytes`, a package specifier) is an identifier, a string
// or a template without expressions somewhere in the file, escapes already decoded by the parser.
import type * as t from '@babel/types';
import { nodesOfType } from '../modules/nodes-by-type';
import type { AstFileContext } from '../types';
import { isExempt } from './exempt';

// On the node, not in a WeakMap, for the reason given in modules/nodes-by-type.ts.
const WORDS = Symbol('fileWords');

export function fileWords(program: t.Program & { [WORDS]?: Set<string> }): ReadonlySet<string> {
  let words = program[WORDS];
  if (!words) {
    words = new Set();
    for (const node of nodesOfType(program, 'Identifier')) words.add(node.name);
    for (const node of nodesOfType(program, 'StringLiteral')) words.add(node.value);
    for (const node of nodesOfType(program, 'TemplateElement')) if (node.value.cooked != null) words.add(node.value.cooked);
    program[WORDS] = words;
  }
  return words;
}

/** A mayReport for a synthetic_data rule: the file is not exempt and has a word `names` accepts. */
export function mayReportWord(names: (word: string) => boolean): (context: AstFileContext) => boolean {
  return (context) => {
    if (isExempt(context)) return false;
    for (const word of fileWords(context.ast.program)) if (names(word)) return true;
    return false;
  };
}

/** A mayReport for a synthetic_data rule: the file is not exempt and has every one of `words`. */
export function mayReportWords(words: readonly string[]): (context: AstFileContext) => boolean {
  return (context) => {
    if (isExempt(context)) return false;
    const found = fileWords(context.ast.program);
    return words.every((word) => found.has(word));
  };
}
