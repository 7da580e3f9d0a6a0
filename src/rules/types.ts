import type { GovernanceConfig, Level } from '../types';

export interface AuditSettings {
  durability?: 'group' | 'strict';
  moduleLoads?: 'first' | 'every';
  checkpointEvery?: number;
  checkpointIntervalMs?: number;
  maxCheckpointAgeMs?: number;
  proofOfWork?: { bits: number };
  checkpointSink?: string | { command: string };
  trustedKeys?: string[];
  keyDir?: string;
}

export interface AnalysisSettings {
  atLoad?: boolean;
  exempt?: string[];
  requireGovernanceImport?: string[];
}

export interface FullConfig extends GovernanceConfig {
  readonly audit: Readonly<AuditSettings>;
  readonly analysis: Readonly<AnalysisSettings>;
}

export interface LoadedConfig {
  /** The validated, deep-frozen config. */
  readonly config: FullConfig;
  /** The config file, or null when built-in defaults apply. */
  readonly source: string | null;
  /** Directory that relative paths in the config are resolved against. */
  readonly baseDir: string;
  /** Absolute state directory (audit log, keys). */
  readonly stateDir: string;
  /** Hex SHA-256 of the canonical JSON of level, default and rules. */
  readonly rulesHash: string;
}

export type { Level };
