import { constants } from 'node:os';
import type { ActionKind, Level, ViolationType } from '../types';

/** libuv's EACCES, as Node's own errors carry it (negative errno on unix). */
export const UV_EACCES = -constants.errno.EACCES;

export interface DeniedDetails {
  action: ActionKind;
  target: string;
  ruleId: string;
  level: Level;
  reason: string;
  violation: ViolationType | null;
}

/** Thrown (sync), rejected (promises) or passed to the callback when governance blocks an action. */
export class GovernanceDeniedError extends Error {
  override name = 'GovernanceDeniedError';
  readonly code = 'EGOVDENIED';
  /**
   * Node code that forwards only an error's `errno` sees a refusal, not a success: a cluster primary refused a listen
   * told its round-robin worker it listened, and crashed when that worker exited (until 2026-11-23).
   */
  readonly errno = UV_EACCES;
  readonly action: ActionKind;
  readonly target: string;
  readonly ruleId: string;
  readonly level: Level;
  readonly reason: string;
  readonly violation: ViolationType | null;

  constructor(details: DeniedDetails) {
    super(`governance denied ${details.action}:${details.target} (rule "${details.ruleId}", ${details.level} level): ${details.reason}`);
    this.action = details.action;
    this.target = details.target;
    this.ruleId = details.ruleId;
    this.level = details.level;
    this.reason = details.reason;
    this.violation = details.violation;
  }
}
