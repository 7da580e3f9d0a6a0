// The config schema (DESIGN.md "Config" contract). Loaded only when a config must be validated,
// because zod costs tens of milliseconds to load and start-up has a 30 ms budget.
import { z } from 'zod';
import { invalidGlobReason } from './glob';

const actionKind = z.enum([
  'file_read', 'file_write', 'process_spawn', 'code_eval', 'module_load',
  'worker_spawn', 'native_addon', 'net_connect', 'net_listen', 'function_call',
]);

const violationType = z.enum([
  'deceptive_import', 'fake_method_call', 'synthetic_data', 'runtime_bypass',
  'rule_modification', 'secret', 'missing_governance_import',
]);

const glob = z.string().min(1).superRefine((value, ctx) => {
  const reason = invalidGlobReason(value);
  if (reason) ctx.addIssue({ code: 'custom', message: `bad glob "${value}": ${reason}` });
});

const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1)]);

export const ruleSchema = z.strictObject({
  id: z.string().min(1),
  action: oneOrMany(actionKind),
  target: oneOrMany(glob),
  effect: z.enum(['allow', 'deny', 'approve']),
  violation: violationType.optional(),
  /** Only for calls made from these packages (by name) or files (absolute-path globs). */
  from: oneOrMany(glob).optional(),
  description: z.string().optional(),
});

export const auditSchema = z.strictObject({
  durability: z.enum(['group', 'strict']).optional(),
  /** `first` (default): an allowed module_load is recorded once per target and process; `every`: each decision. */
  moduleLoads: z.enum(['first', 'every']).optional(),
  checkpointEvery: z.number().int().positive().optional(),
  checkpointIntervalMs: z.number().int().positive().optional(),
  maxCheckpointAgeMs: z.number().int().positive().optional(),
  proofOfWork: z.strictObject({ bits: z.number().int().min(0).max(32) }).optional(),
  checkpointSink: z.union([z.string().min(1), z.strictObject({ command: z.string().min(1) })]).optional(),
  trustedKeys: z.array(z.string().min(1)).optional(),
  keyDir: z.string().min(1).optional(),
});

export const analysisSchema = z.strictObject({
  atLoad: z.boolean().optional(),
  exempt: z.array(glob).optional(),
  requireGovernanceImport: z.array(glob).optional(),
});

export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  level: z.enum(['development', 'staging', 'production']).default('development'),
  default: z.enum(['allow', 'deny']).default('allow'),
  stateDir: z.string().min(1).default('.governance'),
  rules: z.array(ruleSchema).default([]),
  audit: auditSchema.default({}),
  analysis: analysisSchema.default({}),
}).superRefine((config, ctx) => {
  const seen = new Set<string>();
  config.rules.forEach((rule, i) => {
    if (seen.has(rule.id)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `duplicate rule id "${rule.id}"` });
    seen.add(rule.id);
  });
});

export type ParsedConfig = z.output<typeof configSchema>;
