// Messages between the ESM hooks thread (loader/esm-hooks) and the main thread (modules-esm).
import type { DeniedDetails } from '../../kernel/errors';
import type { ActionKind } from '../../types';

/**
 * An action to decide (for a module_load of a file, `file` is the file Node will read: a covered file_read), or
 * the source of an ES module to decide the source-map files of (`target`: its URL).
 */
export type DecisionRequest =
  | { id: number; kind: ActionKind; target: string; file?: string }
  | { id: number; kind: 'source_maps'; target: string; source: string };

export type DenialDetails = DeniedDetails & { message: string };

export interface DecisionReply {
  id: number;
  denial: DenialDetails | null;
}
