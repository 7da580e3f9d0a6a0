// Scope-free facts about local variables for the rules' mayReport scans, which must never say no where a rule
// using Babel's scopes would report. Scopes are drawn as Babel draws them: a `var` belongs to the function (or
// class static block, TypeScript namespace, program) around it; a `let`, `const` or `using` to the block, loop
// head or switch around it, where a function's or catch clause's body block belongs to the function or clause;
// parameters to their function or catch clause. Only parameters and variable declarations are taken for hiding
// declarations; others (function and class names, imports) are ignored, which can only make the answer "not
// hidden" (callers that need more must make sure no such declaration of the name exists).
import type * as t from '@babel/types';
import { patternNames } from './ast-names';
import { nodesOfType } from './nodes-by-type';

const FUNCTION_TYPES = ['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression', 'ObjectMethod', 'ClassMethod', 'ClassPrivateMethod'] as const;
const VAR_SCOPE_TYPES = [...FUNCTION_TYPES, 'StaticBlock', 'TSModuleBlock'] as const;
const BLOCK_SCOPE_TYPES = [...VAR_SCOPE_TYPES, 'BlockStatement', 'ForStatement', 'ForInStatement', 'ForOfStatement', 'SwitchStatement', 'CatchClause'] as const;

interface Scopes {
  /** Body blocks of functions and catch clauses: not scopes of their own. */
  bodies: Set<t.Node>;
  /** Functions, catch clauses and variable declarations declaring each name. */
  declarations: Map<string, t.Node[]>;
  /** Scopes of the names looked up so far. */
  scopesByName: Map<string, t.Node[]>;
}

// On the node, not in a WeakMap, for the reason given in nodes-by-type.ts.
const SCOPES = Symbol('localScopes');
type WithScopes = t.Program & { [SCOPES]?: Scopes };

/** Whether `inner` lies within `outer` in the source (for two nodes of one tree: `outer` is `inner` or an ancestor). */
export function within(inner: t.Node, outer: t.Node): boolean {
  return (outer.start ?? 0) <= (inner.start ?? 0) && (inner.end ?? 0) <= (outer.end ?? 0);
}

function declaring(declarations: Map<string, t.Node[]>, declaration: t.Node, patterns: readonly t.Node[]): void {
  for (const pattern of patterns) {
    // patternNames gives nothing for `constructor(private o)`: Babel's scopes do not bind TypeScript parameter
    // properties either (`o` in that constructor is the outer `o`).
    for (const name of patternNames(pattern)) {
      const list = declarations.get(name);
      if (!list) declarations.set(name, [declaration]);
      else if (list[list.length - 1] !== declaration) list.push(declaration);
    }
  }
}

function scopesOf(program: WithScopes): Scopes {
  let scopes = program[SCOPES];
  if (!scopes) {
    const bodies = new Set<t.Node>();
    const declarations = new Map<string, t.Node[]>();
    for (const type of FUNCTION_TYPES) {
      for (const fn of nodesOfType(program, type)) {
        bodies.add(fn.body);
        declaring(declarations, fn, fn.params);
      }
    }
    for (const clause of nodesOfType(program, 'CatchClause')) {
      bodies.add(clause.body);
      if (clause.param) declaring(declarations, clause, [clause.param]);
    }
    for (const declaration of nodesOfType(program, 'VariableDeclaration')) declaring(declarations, declaration, declaration.declarations.map(({ id }) => id));
    program[SCOPES] = scopes = { bodies, declarations, scopesByName: new Map() };
  }
  return scopes;
}

/** The innermost node of one of `types` around `node` (not `node` itself), or the program. */
function innermost(program: t.Program, node: t.Node, types: readonly t.Node['type'][], skip: ReadonlySet<t.Node>): t.Node {
  let found: t.Node = program;
  for (const type of types) {
    for (const candidate of nodesOfType(program, type)) {
      if (candidate !== node && !skip.has(candidate) && within(node, candidate) && within(candidate, found)) found = candidate;
    }
  }
  return found;
}

/** The scope a variable declaration's bindings belong to. */
export function declarationScope(program: t.Program, declaration: t.VariableDeclaration): t.Node {
  const scopes = scopesOf(program);
  return innermost(program, declaration, declaration.kind === 'var' ? VAR_SCOPE_TYPES : BLOCK_SCOPE_TYPES, scopes.bodies);
}

/** The scopes of every parameter (of functions and catch clauses) and variable named `name`. */
function scopesDeclaring(program: t.Program, name: string): t.Node[] {
  const { declarations, scopesByName } = scopesOf(program);
  let found = scopesByName.get(name);
  if (!found) {
    found = (declarations.get(name) ?? []).map((node) => (node.type === 'VariableDeclaration' ? declarationScope(program, node) : node));
    scopesByName.set(name, found);
  }
  return found;
}

/**
 * Whether `name` at `node` surely means a parameter or variable of a scope nested strictly inside `outer` (so
 * not a binding of `outer`, the scope of the binding in question). When the file declares `name` in no other
 * way, false means `name` at a `node` within `outer` is the binding of `outer`.
 */
export function isHiddenAt(program: t.Program, name: string, node: t.Node, outer: t.Node): boolean {
  return scopesDeclaring(program, name).some((scope) => scope !== outer && within(scope, outer) && within(node, scope));
}
