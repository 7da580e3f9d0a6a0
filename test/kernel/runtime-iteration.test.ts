// Governance code that runs after user code has started must not use Array.prototype[Symbol.iterator], which the
// program can replace (a poisoned iterator made the load-time checker skip every module, and could have granted any
// address a DNS lookup named): no for-of, array or call spread, array destructuring or yield* in src/kernel and
// src/hooks, except in the functions listed here, which run only at load or activation, before user code.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');

/** `file:function` (`<module>` for top-level code) where iteration runs at load or activation only. */
const INSTALL_TIME = new Set([
  'src/kernel/lifecycle.ts:flushOnExit',
  'src/hooks/child-process.ts:findErrno',
  'src/hooks/fs.ts:installFsHooks',
  'src/hooks/internals-late-fs.ts:installLateFsHooks',
  'src/hooks/modules.ts:<module>',
  'src/hooks/net-handles.ts:installNetHandleHooks',
]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function iterationKind(node: ts.Node): string | null {
  if (ts.isForOfStatement(node)) return 'for-of';
  if (ts.isSpreadElement(node)) return 'spread';
  if (ts.isArrayBindingPattern(node)) return 'array destructuring';
  if (ts.isYieldExpression(node) && node.asteriskToken !== undefined) return 'yield*';
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isArrayLiteralExpression(node.left)) return 'array destructuring';
  return null;
}

/** The name of the function `node` opens, if it opens a named one. */
function functionName(node: ts.Node): string | null {
  if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isFunctionExpression(node)) && node.name !== undefined) return node.name.getText();
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  if (ts.isVariableDeclaration(node) && node.initializer !== undefined && (ts.isArrowFunction(node.initializer) || ts.isFunctionExpression(node.initializer))) return node.name.getText();
  return null;
}

function uses(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const name = relative(ROOT, file);
  const found: string[] = [];
  const visit = (node: ts.Node, inFunction: string): void => {
    const kind = iterationKind(node);
    if (kind !== null && !INSTALL_TIME.has(`${name}:${inFunction}`)) found.push(`${name}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1} ${kind} in ${inFunction}`);
    const opened = functionName(node) ?? inFunction;
    ts.forEachChild(node, (child) => visit(child, opened));
  };
  visit(source, '<module>');
  return found;
}

describe('runtime code does not iterate with Array.prototype[Symbol.iterator]', () => {
  it('finds no for-of, spread, array destructuring or yield* outside the install-time functions', () => {
    const files = [...sourceFiles(join(ROOT, 'src', 'kernel')), ...sourceFiles(join(ROOT, 'src', 'hooks'))];
    expect(files.flatMap(uses)).toEqual([]);
  });

  it('catches each form (the scan itself works)', () => {
    const probe = join(ROOT, 'src', 'kernel', 'gate.ts');
    expect(uses(probe)).toEqual([]);
    const sample = ts.createSourceFile('x.ts', 'function f(a: number[]) { for (const x of a) {} g(...a); const [b] = a; return [...a]; }', ts.ScriptTarget.Latest, true);
    const kinds: string[] = [];
    const visit = (node: ts.Node): void => {
      const kind = iterationKind(node);
      if (kind !== null) kinds.push(kind);
      ts.forEachChild(node, visit);
    };
    visit(sample);
    expect(kinds).toEqual(['for-of', 'spread', 'array destructuring', 'spread']);
  });
});
