// Lines of an export bundle (NDJSON). Types only, shared by the exporter and the standalone verifier.
export const EXPORT_FORMAT = 'mltrainer-governance-audit-export';

export type ExportLine =
  | { type: 'header'; format: typeof EXPORT_FORMAT; version: 1; logId: string; entries: number; checkpoints: number; exportedAt: string }
  | { type: 'key'; keyId: string; pem: string }
  /** A key certificate (epoch keys): followed from the verifier's trusted keys, never trusted by itself. */
  | { type: 'certificate'; body: string; sig: string }
  | { type: 'checkpoint'; body: string; sig: string }
  /** `leaf` (hex, as stored) only for a redacted entry, whose body no longer hashes to it. */
  | { type: 'entry'; seq: number; body: string; leaf?: string };
