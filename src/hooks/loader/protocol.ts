// Messages between the ESM hooks thread (loader/esm-hooks) and the main thread (modules-esm).
import type { DeniedDetails } from '../../kernel/errors';
import type { ActionKind } from '../../types';

export interface DecisionRequest {
  id: number;
  kind: ActionKind;
  target: string;
}

export type DenialDetails = DeniedDetails & { message: string };

export interface DecisionReply {
  id: number;
  denial: DenialDetails | null;
}
