import { recordEvent } from './gate';
import { runInScope, validateScopeArguments } from './scope';

/**
 * Runs `fn` with `actions` approved for `actor`: `approve` rules matching them allow the call
 * (at staging; production will require a signed approval token). The scope covers async work
 * started inside `fn` and nothing outside it. Returns what `fn` returns.
 */
export function withApprovedActions<T>(actions: readonly string[], actor: string, fn: () => T): T {
  validateScopeArguments(actions, fn);
  return runInScope(actions, actor, (text) => {
    recordEvent('approval_scope', text, 'allow', `scope opened by ${actor}`);
    return fn();
  });
}
