// Approval scopes: `withApprovedActions(actions, actor, fn)` covers fn and the async work it starts, nothing else.
import { AsyncLocalStorage } from 'node:async_hooks';
import { primordials } from '../primordials';
import { compileGlob, invalidGlobReason } from '../rules/glob';
import type { ActionKind } from '../types';

const { RegExpPrototypeTest, StringPrototypeIndexOf, StringPrototypeSlice } = primordials;

const ACTION_KINDS: ReadonlySet<string> = new Set<ActionKind>([
  'file_read', 'file_write', 'process_spawn', 'code_eval', 'module_load',
  'worker_spawn', 'native_addon', 'net_connect', 'net_listen', 'function_call',
]);

interface ApprovedAction {
  readonly kind: string;
  readonly pattern: RegExp | null;
}

export interface ApprovalScope {
  readonly actor: string;
  readonly actions: readonly ApprovedAction[];
  readonly parent: ApprovalScope | undefined;
}

const storage = new AsyncLocalStorage<ApprovalScope>();
const getStore = primordials.FunctionPrototypeBind(storage.getStore, storage) as () => ApprovalScope | undefined;
// Captured: AsyncLocalStorage.prototype.run is the program's to replace, and would be handed the scope.
const runWith = primordials.FunctionPrototypeBind(storage.run, storage) as <R>(store: ApprovalScope, callback: (text: string) => R, text: string) => R;
let everUsed = false;

export function currentScope(): ApprovalScope | undefined {
  return everUsed ? getStore() : undefined;
}

/** Whether some enclosing scope approves `kind:target`. */
export function scopeApproves(scope: ApprovalScope | undefined, kind: ActionKind, target: string): boolean {
  for (let s = scope; s !== undefined; s = s.parent) {
    const actions = s.actions;
    for (let i = 0; i < actions.length; i++) {
      const action = actions[i];
      if (action.kind === kind && (action.pattern === null || RegExpPrototypeTest(action.pattern, target))) return true;
    }
  }
  return false;
}

/**
 * Runs `fn` in a scope approving `actions`; `fn` gets the actions as parsed, joined by commas, for the record. Each
 * element is read once, by index, into a list of governance's own: `actions.map` and `join` are the program's to
 * replace, and a replaced `join` made the approval_scope entry name other actions than the scope approved (until
 * 2026-11-23), a replaced `map` handed the kernel a list whose getters ran inside every decision.
 */
export function runInScope<T>(actions: readonly string[], actor: string, fn: (text: string) => T): T {
  const length = actions.length;
  const parsed = primordials.newList<ApprovedAction>();
  let text = '';
  for (let i = 0; i < length; i++) {
    const action: unknown = actions[i];
    parsed[i] = parseAction(action);
    text = i === 0 ? action as string : `${text},${action as string}`;
  }
  const scope: ApprovalScope = primordials.freeze({ actor: validActor(actor), actions: primordials.freeze(parsed), parent: getStore() });
  everUsed = true;
  return runWith(scope, fn, text);
}

function validActor(actor: unknown): string {
  if (typeof actor !== 'string' || actor.trim() === '') throw new TypeError('withApprovedActions: actor must be a non-empty string');
  return actor;
}

function parseAction(action: unknown): ApprovedAction {
  if (typeof action !== 'string') throw new TypeError(`withApprovedActions: each action must be a "kind:target" string, got ${typeof action}`);
  const colon = StringPrototypeIndexOf(action, ':');
  const kind = colon > 0 ? StringPrototypeSlice(action, 0, colon) : action;
  const target = colon > 0 ? StringPrototypeSlice(action, colon + 1) : '';
  if (!primordials.SetPrototypeHas(ACTION_KINDS as Set<string>, kind)) throw new TypeError(`withApprovedActions: unknown action kind "${kind}" in "${action}"`);
  if (target === '') throw new TypeError(`withApprovedActions: "${action}" names no target (use "${kind}:**" for all)`);
  const reason = invalidGlobReason(target);
  if (reason) throw new TypeError(`withApprovedActions: bad target glob in "${action}": ${reason}`);
  return { kind, pattern: compileGlob(target) };
}

export function validateScopeArguments(actions: unknown, fn: unknown): asserts actions is string[] {
  if (!Array.isArray(actions) || actions.length === 0) throw new TypeError('withApprovedActions: actions must be a non-empty array of "kind:target" strings');
  if (typeof fn !== 'function') throw new TypeError('withApprovedActions: the last argument must be a function');
}

export { ACTION_KINDS };
