// Activation: config → audit log → kernel → hooks. Idempotent; the kernel never imports a hook, so the wiring lives here.
import { join, resolve } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { withLateEntries } from './audit/late-writer';
import { openThreadedAuditWriter } from './audit/threaded-writer';
import { hasStackHeadroom } from './audit/stack-headroom';
import { auditLocation, type AuditLocation } from './audit/location';
import type { AuditWriter, AuditWriterOptions } from './audit/types';
import { installHooks, integrityStep, protectLogFiles, protectOwnFiles, sealOwnModules } from './hooks/index';
import { inheritedGovernance } from './hooks/workers';
import { abortFlag, ownStartFlags } from './hooks/spawn-flags';
import { ACTOR_ENV, defaultActor } from './kernel/actor';
import { recordEvent, startKernel } from './kernel/gate';
import { blocks, effectiveLevel, isLevel, LEVEL_ENV, stricter } from './kernel/level';
import { CONFIG_ENV } from './hooks/child-governance';
import { flushOnExit } from './kernel/lifecycle';
import { ANALYSIS_CACHE, startLoadCheckThread } from './kernel/load-check';
import { warnOnce } from './kernel/warn';
import { ConfigError } from './rules/errors';
import { levelOfRawConfig, loadConfig, loadDefaults } from './rules/load';
import { RuleSet } from './rules/match';
import type { LoadedConfig } from './rules/types';
import type { Level } from './types';

/** Exit code when governance refuses to start (EX_CONFIG). */
export const EXIT_REFUSED = 78;
const ACTIVE = Symbol.for('@mltrainer/governance.active');

export interface GovernanceStatus {
  active: boolean;
  level: Level;
  configSource: string | null;
  stateDir: string;
  rulesHash: string;
  auditing: boolean;
}

let status: GovernanceStatus | null = null;

export function isGovernanceActive(): boolean {
  return status?.active === true;
}

export function governanceStatus(): GovernanceStatus | null {
  return status;
}

export function activateGovernance(): GovernanceStatus {
  if (status) return status;
  const owner = (process as unknown as Record<symbol, unknown>)[ACTIVE];
  if (owner) throw new Error(`@mltrainer/governance is already active from ${String(owner)}; load only one copy`);
  const env = governedEnvironment();
  const loaded = loadOrRefuse(env);
  const level = levelOrRefuse(loaded.config.level, env);
  checkStackOrRefuse(level);
  const location = auditLocation(loaded);
  const writer = openWriterOrRefuse(loaded, location, level);
  const onInternalError = (error: unknown) => warnOnce(`internal error: ${(error as Error)?.stack ?? String(error)}`);
  const analysis = loaded.config.analysis;
  const loadCheck = analysis.atLoad
    ? { baseDir: loaded.baseDir, cacheDir: join(loaded.stateDir, ANALYSIS_CACHE), exempt: analysis.exempt ?? [], requireGovernanceImport: analysis.requireGovernanceImport ?? [] }
    : null;
  if (loadCheck) startLoadCheckThread();
  startKernel({ rules: new RuleSet(loaded.config.rules, loaded.config.default), level, actor: defaultActor(env), writer, loadCheck, recordEveryModuleLoad: loaded.config.audit.moduleLoads === 'every', onDecision: integrityStep, onInternalError });
  recordEvent('governance_activate', `sha256:${loaded.rulesHash}`, 'allow', `activated at ${level} level with ${loaded.source ?? 'built-in defaults'}`);
  if (writer) flushOnExit(writer, onInternalError);
  protectLogFiles(location, loaded.stateDir, join(loaded.stateDir, ANALYSIS_CACHE));
  protectOwnFiles();
  installHooks();
  sealOwnModules();
  Object.defineProperty(process, ACTIVE, { value: __filename, enumerable: false, writable: false, configurable: false });
  status = Object.freeze({
    active: true,
    level,
    configSource: loaded.source,
    stateDir: loaded.stateDir,
    rulesHash: loaded.rulesHash,
    auditing: writer !== null,
  });
  return status;
}

function refuse(message: string): never {
  warnOnce(`refusing to start: ${message}`);
  process.exit(EXIT_REFUSED);
}

/**
 * Where this thread's config, level and actor come from: process.env, except in a worker a governed thread started,
 * which takes the ones that thread handed it (workers.ts: its process.env may be the program's, shared with SHARE_ENV).
 */
function governedEnvironment(): NodeJS.ProcessEnv {
  const inherited = inheritedGovernance();
  if (inherited === null) return process.env;
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (inherited.config === null) delete env[CONFIG_ENV];
  else env[CONFIG_ENV] = inherited.config;
  if (inherited.level === null) delete env[LEVEL_ENV];
  else env[LEVEL_ENV] = inherited.level;
  if (inherited.actor === null) delete env[ACTOR_ENV];
  else env[ACTOR_ENV] = inherited.actor;
  return env;
}

function loadOrRefuse(env: NodeJS.ProcessEnv): LoadedConfig {
  try {
    return loadConfig({ env });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const raw = levelOfRawConfig({ env });
    const asked = stricter(isLevel(raw) ? raw : 'development', effectiveLevel('development', env).level);
    if (blocks(asked)) refuse(error.message);
    // Every governed thread loads the config; one warning (from the main thread) is enough.
    if (isMainThread) warnOnce(`${error.message}; using built-in defaults (development level)`);
    return loadDefaults();
  }
}

/**
 * A commit of the audit log waits until there is room for it on the stack (hasStackHeadroom); a thread started with a
 * stack smaller than that (`--stack-size=100`, a worker's `stackSizeMb: 0.3`) never has it, even at exit, and would run
 * with every entry lost. Spawns and workers refuse the small stacks they see; this is for those they cannot.
 */
function checkStackOrRefuse(level: Level): void {
  if (hasStackHeadroom()) return;
  const message = 'this thread\'s stack is too small for the audit log to commit (--stack-size, resourceLimits.stackSizeMb)';
  if (blocks(level)) refuse(message);
  warnOnce(`${message}; its entries may be lost`);
}

function levelOrRefuse(configLevel: Level, env: NodeJS.ProcessEnv): Level {
  const { level, envError } = effectiveLevel(configLevel, env);
  if (envError) refuse(envError);
  return level;
}

/**
 * The writer. Under --abort-on-uncaught-exception an uncaught exception aborts the process from C++, with no 'exit'
 * event and so no last commit: a process started with it (a child given it in its arguments or NODE_OPTIONS) ran
 * with its allowed entries never reaching the log (until 2026-11-23). Such a process commits each entry as it is made.
 */
function openWriterOrRefuse(loaded: LoadedConfig, location: AuditLocation, level: Level): AuditWriter | null {
  const audit = loaded.config.audit;
  const options: AuditWriterOptions = {
    dbPath: location.dbPath,
    durability: ownStartFlags(abortFlag).length > 0 ? 'strict' : audit.durability,
    keyDir: location.keyDir,
    checkpointEvery: audit.checkpointEvery,
    checkpointIntervalMs: audit.checkpointIntervalMs,
    maxCheckpointAgeMs: audit.maxCheckpointAgeMs,
    proofOfWorkBits: audit.proofOfWork?.bits,
    checkpointSink: typeof audit.checkpointSink === 'string' ? resolve(loaded.baseDir, audit.checkpointSink) : audit.checkpointSink,
  };
  try {
    return withLateEntries(openThreadedAuditWriter(options), options);
  } catch (error) {
    const message = `cannot open the audit log in ${loaded.stateDir}: ${(error as Error).message}`;
    if (blocks(level)) refuse(message);
    warnOnce(`${message}; decisions will not be recorded`);
    return null;
  }
}
