// Public types of @mltrainer/governance. Contracts are described in DESIGN.md.

export type ActionKind =
  | 'file_read'
  | 'file_write'
  | 'process_spawn'
  | 'code_eval'
  | 'module_load'
  | 'worker_spawn'
  | 'native_addon'
  | 'net_connect'
  | 'net_listen'
  | 'function_call';

export type ViolationType =
  | 'deceptive_import'
  | 'fake_method_call'
  | 'synthetic_data'
  | 'runtime_bypass'
  | 'rule_modification'
  | 'secret'
  | 'missing_governance_import';

export type Level = 'development' | 'staging' | 'production';

export type Effect = 'allow' | 'deny' | 'approve';

/** What the kernel decided about one action. */
export type Decision = 'allow' | 'deny' | 'would_deny' | 'approved';

export interface Rule {
  readonly id: string;
  readonly action: ActionKind | readonly ActionKind[];
  readonly target: string | readonly string[];
  readonly effect: Effect;
  readonly violation?: ViolationType;
  /** The rule applies only to calls made from these packages (by name) or files (absolute-path globs). */
  readonly from?: string | readonly string[];
}

export interface GovernanceConfig {
  readonly level: Level;
  readonly default: 'allow' | 'deny';
  readonly stateDir: string;
  readonly rules: readonly Rule[];
}

/** One audit entry, as stored (canonical JSON body) and as returned by queries. */
export interface AuditEntry {
  seq: number;
  ts: string;
  pid: number;
  actor: string;
  action: string;
  target: string;
  decision: Decision;
  ruleId: string | null;
  level: Level;
  reason: string;
  caller: string | null;
  violation: ViolationType | null;
}

export interface AuditQuery {
  actor?: string;
  action?: string;
  decision?: Decision;
  since?: string;
  until?: string;
  limit?: number;
}

export interface VerifyIssue {
  code: string;
  seq?: number;
  detail: string;
}

export interface VerifyResult {
  valid: boolean;
  entries: number;
  checkpoints: number;
  issues: VerifyIssue[];
}
