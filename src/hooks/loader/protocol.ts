// Messages between the ESM hooks thread (loader/esm-hooks) and the main thread (modules-esm).
import type { ActionKind, Level, ViolationType } from '../../types';

export interface DecisionRequest {
  id: number;
  kind: ActionKind;
  target: string;
}

export interface DenialDetails {
  message: string;
  action: ActionKind;
  target: string;
  ruleId: string;
  level: Level;
  reason: string;
  violation: ViolationType | null;
}

export interface DecisionReply {
  id: number;
  denial: DenialDetails | null;
}
