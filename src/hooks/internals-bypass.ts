// Refusal of routes that reach past governance (internal bindings, the inspector, V8 flags): recorded
// as a `runtime_bypass` violation, blocked at staging and production, only recorded in development.
import { GovernanceDeniedError } from '../kernel/errors';
import { recordEvent, kernelLevel } from '../kernel/gate';
import { blocks } from '../kernel/level';
import type { ActionKind } from '../types';

export const BYPASS_RULE_ID = 'runtime_bypass';

/** Records the attempt and returns the denial to surface, or null when the call may go on (development, or governance not active). */
export function refuseBypass(action: ActionKind, target: string, route: string): GovernanceDeniedError | null {
  const level = kernelLevel();
  if (level === null) return null;
  const reason = `${route} reaches past governance; refused as runtime_bypass`;
  if (!blocks(level)) {
    recordEvent(action, target, 'would_deny', reason, 'runtime_bypass', false);
    return null;
  }
  recordEvent(action, target, 'deny', reason, 'runtime_bypass', true);
  return new GovernanceDeniedError({ action, target, ruleId: BYPASS_RULE_ID, level, reason, violation: 'runtime_bypass' });
}
