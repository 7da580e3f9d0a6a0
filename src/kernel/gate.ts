// The decision engine on the hot path: every hook asks `checkAction(kind, target)`.
// Allowed calls cost a cached rule lookup and one queued audit entry; denials are made durable first.
import type { AuditWriter, PendingEntry } from '../audit/types';
import { primordials } from '../primordials';
import type { RuleMatch, RuleSet } from '../rules/match';
import type { ActionKind, Decision, Level, ViolationType } from '../types';
import { captureCaller, captureCallerSite, type CallerSite } from './caller';
import { GovernanceDeniedError } from './errors';
import { blocks } from './level';
import { checkModuleAtLoad, isCheckedModule, type LoadCheckSettings } from './load-check';
import { currentScope, scopeApproves } from './scope';

const { DateNow, SetPrototypeAdd, SetPrototypeClear, SetPrototypeGetSize, SetPrototypeHas } = primordials;

export interface KernelOptions {
  rules: RuleSet;
  level: Level;
  actor: string;
  writer: AuditWriter | null;
  /** Settings of load-time checking (`analysis.atLoad`), or null when it is off. */
  loadCheck?: LoadCheckSettings | null;
  /**
   * Record every allowed `module_load`, not only the first of each target (`audit.moduleLoads: "every"`). By
   * default a target allowed again in the same process, by the same rules and for the same actor, is decided
   * but not recorded again: repeated require() calls return the module already loaded, and the first entry
   * stands for them. Targets under per-package (`from`) rules are always recorded, with their caller.
   */
  recordEveryModuleLoad?: boolean;
  /** Called on every decision before it is made (the integrity watch's cheap step). */
  onDecision?: () => void;
  /** Called once when the kernel itself fails (development keeps going; other levels deny). */
  onInternalError(error: unknown): void;
}

const REASON = {
  allowed: 'allowed by rule',
  approved: 'approved inside a withApprovedActions scope',
  internal: 'governance could not decide (internal error); failing closed',
  nested: 'made while governance was deciding another action: program code ran inside governance\'s own work (an accessor or setter it met)',
} as const;

type Refusal = 'deny' | 'needsScope' | 'needsToken' | 'violation';

function refusalReason(match: RuleMatch, refusal: Refusal): string {
  if (refusal === 'needsScope') return `rule "${match.ruleId}" needs approval and no withApprovedActions scope covers this action`;
  if (refusal === 'needsToken') return `rule "${match.ruleId}" needs a signed approval token at production level; signed approvals are not available in this version, so approve rules act as deny`;
  if (match.ruleId === 'default') return 'no rule allows this action and the default is deny';
  return match.violation ? `rule "${match.ruleId}" denies this action (${match.violation})` : `rule "${match.ruleId}" denies this action`;
}

let kernel: KernelOptions | null = null;
/**
 * Whether a decision (or an event's record) is in progress. Governance's own work makes no governed call then: its
 * reads use functions captured before the hooks (own-fs.ts). A call arriving meanwhile is program code run from
 * inside that work, and is refused at staging and production (nestedCall).
 */
let busy = false;
/** kind, target of each call refused while busy, recorded once the decision is over (the writer may be mid-commit). */
const nestedCalls = primordials.newList<string>();
const NESTED_LIMIT = 64;
let recordingNested = false;
const pid = process.pid;
/** Decisions so far of kinds that can change the file system (all but file_read and module_load): see changeCount. */
let changes = 0;
/** The `module_load` targets whose allow is recorded for the kernel's own actor (see recordEveryModuleLoad). */
const recordedLoads = new primordials.SafeSet<string>();
/** Targets of covered reads the rules alone allowed (see checkCoveredRead): bounded, like the rules' cache. */
const allowedCoveredReads = new primordials.SafeSet<string>();
const COVERED_READS_LIMIT = 4096;

export function startKernel(options: KernelOptions): void {
  kernel = options;
  SetPrototypeClear(recordedLoads);
  SetPrototypeClear(allowedCoveredReads);
}

/**
 * A count that moves whenever the process was asked to do something that could change the file system. A path
 * found canonical while it stayed the same is still canonical, short of another process's race.
 */
export function changeCount(): number {
  return changes;
}

export function isKernelStarted(): boolean {
  return kernel !== null;
}

export function kernelLevel(): Level | null {
  return kernel?.level ?? null;
}

/** Who this process acts for, as fixed at activation; null before. */
export function kernelActor(): string | null {
  return kernel?.actor ?? null;
}

/**
 * Decides `kind:target`, records the decision, and returns the error the hook must surface,
 * or null when the call may proceed. A call made while another is being decided is refused (nestedCall).
 */
export function checkAction(kind: ActionKind, target: string, violationIfDenied: ViolationType | null = null): GovernanceDeniedError | null {
  return decide(kind, target, violationIfDenied, true);
}

/**
 * `module_load:target` as checkAction decides it. A target whose allow is on the record already, with no
 * scope now and no load-time check, is allowed and not recorded again whatever else holds: a set lookup.
 */
export function checkLoad(target: string): GovernanceDeniedError | null {
  const k = kernel;
  if (k !== null && !k.loadCheck && SetPrototypeHas(recordedLoads, target) && currentScope() === undefined) return null;
  return decide('module_load', target, null, true);
}

/**
 * Decides `file_read:target` like checkAction, but an allow is not recorded: a decision its caller has recorded
 * stands for it (the module loader's reads of the module whose `module_load` is recorded). Refusals are recorded.
 * An allow by the rules alone is the decision in any scope and records nothing: the target is remembered, and
 * isAllowedCoveredRead answers for it next time.
 */
export function checkCoveredRead(target: string): GovernanceDeniedError | null {
  const k = kernel;
  if (k === null || !readAllowedByRules(k, target)) return decide('file_read', target, null, false);
  if (SetPrototypeGetSize(allowedCoveredReads) >= COVERED_READS_LIMIT) SetPrototypeClear(allowedCoveredReads);
  SetPrototypeAdd(allowedCoveredReads, target);
  return null;
}

function readAllowedByRules(k: KernelOptions, target: string): boolean {
  try {
    return !k.rules.needsCaller('file_read') && k.rules.match('file_read', target).effect === 'allow';
  } catch {
    return false; // decide() meets the same failure and handles it as an internal error
  }
}

/** Whether checkCoveredRead found `target` allowed by the rules alone. */
export function isAllowedCoveredRead(target: string): boolean {
  return SetPrototypeHas(allowedCoveredReads, target);
}

function decide(kind: ActionKind, target: string, violationIfDenied: ViolationType | null, recordAllow: boolean): GovernanceDeniedError | null {
  const k = kernel;
  if (k === null) return null;
  if (busy) return nestedCall(k, kind, target);
  if (kind !== 'file_read' && kind !== 'module_load') changes++;
  busy = true;
  try {
    k.onDecision?.();
    return decideAndRecord(k, kind, target, violationIfDenied, recordAllow);
  } catch (error) {
    return internalFailure(k, kind, target, error);
  } finally {
    leave(k);
  }
}

/**
 * A governed call made while a decision is in progress. Until 2026-11-23 such calls went through as governance's
 * own, and each way of running program code inside a decision (an accessor on an Error slot, a replaced driver
 * method, a setter on Object.prototype met by Node building a Stats object) let that code act unchecked.
 */
function nestedCall(k: KernelOptions, kind: ActionKind, target: string): GovernanceDeniedError | null {
  if (!recordingNested && nestedCalls.length < 2 * NESTED_LIMIT) {
    nestedCalls[nestedCalls.length] = kind;
    nestedCalls[nestedCalls.length] = target;
  }
  if (!blocks(k.level)) return null;
  return new GovernanceDeniedError({ action: kind, target, ruleId: 'runtime_bypass', level: k.level, reason: REASON.nested, violation: 'runtime_bypass' });
}

/** Ends the outermost decision, then records the calls nestedCall met during it. */
function leave(k: KernelOptions): void {
  busy = false;
  if (nestedCalls.length === 0 || recordingNested) return;
  const calls = primordials.newList<string>();
  for (let i = 0; i < nestedCalls.length; i++) calls[i] = nestedCalls[i];
  nestedCalls.length = 0;
  recordingNested = true;
  try {
    for (let i = 0; i < calls.length; i += 2) recordEvent(calls[i], calls[i + 1], blocks(k.level) ? 'deny' : 'would_deny', REASON.nested, 'runtime_bypass', true);
  } finally {
    recordingNested = false;
  }
}

/**
 * Who an entry made now is recorded for: the actor of the approval scope the call is in, at development and staging.
 * At production a scope approves nothing without a signed approval, so its actor is only the program's claim: the
 * process's actor stays on the record (a scope naming someone else hid who was refused, and spread violations
 * counted per actor over names of the program's choosing, until 2026-11-23). The claim is in the scope's own entry.
 */
function actorNow(k: KernelOptions): string {
  const scope = currentScope();
  return scope === undefined || k.level === 'production' ? k.actor : scope.actor;
}

/** Records an event that is not a hooked call (activation, approval scopes, detected violations). */
export function recordEvent(action: string, target: string, decision: Decision, reason: string, violation: ViolationType | null = null, durable = false): void {
  const k = kernel;
  if (k === null || k.writer === null) return;
  const wasBusy = busy;
  busy = true;
  try {
    const entry = makeEntry(k, action, target, decision, null, reason, violation, actorNow(k), captureCaller());
    if (durable) k.writer.appendDurable(entry);
    else k.writer.append(entry);
  } catch (error) {
    k.onInternalError(error);
  } finally {
    if (wasBusy) busy = true;
    else leave(k);
  }
}

/**
 * Decides a violation found outside the rules (e.g. a load-time check finding): recorded as a denial,
 * durable, and blocking at staging and production. Returns the error to surface, or null in development.
 */
export function checkViolation(kind: ActionKind, target: string, violation: ViolationType, reason: string): GovernanceDeniedError | null {
  const k = kernel;
  if (k === null) return null;
  if (busy) return nestedCall(k, kind, target);
  busy = true;
  try {
    return refuse(k, kind, target, { effect: 'deny', ruleId: violation, violation }, 'violation', actorNow(k), reason);
  } catch (error) {
    return internalFailure(k, kind, target, error);
  } finally {
    leave(k);
  }
}

/** Whether some rule that does not simply allow `kind` could match a target below the directory `dir`. */
export function rulesGuardBelow(kind: ActionKind, dir: string): boolean {
  return kernel !== null && kernel.rules.guardsBelow(kind, dir);
}

/** Whether the rules alone (no approval, no caller) allow `kind:target`. Decides and records nothing. */
export function rulesAllow(kind: ActionKind, target: string): boolean {
  return kernel === null || kernel.rules.match(kind, target).effect === 'allow';
}

/**
 * For an endpoint a broader decision already allowed (a host name, then the address it resolved to): refused,
 * and recorded, only when an explicit deny rule names it, since a deny rule wins over any allow. Otherwise the
 * allowed decision stands and nothing more is recorded.
 */
export function checkExplicitDeny(kind: ActionKind, target: string): GovernanceDeniedError | null {
  const k = kernel;
  if (k === null) return null;
  if (busy) return nestedCall(k, kind, target);
  const found = k.rules.match(kind, target, null);
  if (found.effect !== 'deny' || found.ruleId === 'default') return null;
  return checkAction(kind, target);
}

/**
 * `violationIfDenied` names what a refusal amounts to when the deciding rule names no violation (e.g. a debug
 * flag on a child is a runtime_bypass whichever rule or default refuses it).
 */
function decideAndRecord(k: KernelOptions, kind: ActionKind, target: string, violationIfDenied: ViolationType | null, recordAllow: boolean): GovernanceDeniedError | null {
  // The stack is read only for kinds with per-package (`from`) rules, so the common path pays nothing.
  const site: CallerSite | null = k.rules.needsCaller(kind) ? trustedSite(k, captureCallerSite()) : null;
  const found = k.rules.match(kind, target, site === null || site.lexical ? null : site);
  const match = violationIfDenied !== null && found.effect !== 'allow' && found.violation === null ? { ...found, violation: violationIfDenied } : found;
  const scope = currentScope();
  const actor = actorNow(k);
  if (match.effect === 'allow') {
    if (recordAllow && !(kind === 'module_load' && site === null && scope === undefined && repeatedLoad(k, target))) k.writer?.append(makeEntry(k, kind, target, 'allow', match.ruleId, REASON.allowed, null, actor, site === null ? null : `${site.file}:${site.line}`));
    return kind === 'module_load' && k.loadCheck ? checkAtLoad(k, k.loadCheck, target, actor) : null;
  }
  if (match.effect === 'approve' && scopeApproves(scope, kind, target)) {
    if (k.level !== 'production') {
      k.writer?.append(makeEntry(k, kind, target, 'approved', match.ruleId, REASON.approved, null, actor, captureCaller()));
      return null;
    }
    return refuse(k, kind, target, match, 'needsToken', actor);
  }
  return refuse(k, kind, target, match, match.effect === 'approve' ? 'needsScope' : 'deny', actor);
}

/**
 * The caller's package, only for a file the rules do not let the program write: otherwise the file could be the
 * program's own code, written into a directory named `node_modules/<package>/` to borrow that package's rules.
 */
function trustedSite(k: KernelOptions, site: CallerSite | null): CallerSite | null {
  if (site === null || site.packageName === null || k.rules.match('file_write', site.file, null).effect === 'deny') return site;
  return { file: site.file, line: site.line, packageName: null, lexical: false };
}

/** Whether an allowed load of `target` is already on the record, noting it if not. */
function repeatedLoad(k: KernelOptions, target: string): boolean {
  if (k.recordEveryModuleLoad === true) return false;
  if (SetPrototypeHas(recordedLoads, target)) return true;
  SetPrototypeAdd(recordedLoads, target);
  return false;
}

function checkAtLoad(k: KernelOptions, settings: LoadCheckSettings, target: string, actor: string): GovernanceDeniedError | null {
  if (!isCheckedModule(target)) return null;
  return checkModuleAtLoad(target, settings, (violation, reason) => refuse(k, 'module_load', target, { effect: 'deny', ruleId: violation, violation }, 'violation', actor, reason));
}

function refuse(k: KernelOptions, kind: ActionKind, target: string, match: RuleMatch, refusal: Refusal, actor: string, detail = ''): GovernanceDeniedError | null {
  const caller = captureCaller();
  const reason = refusal === 'violation' ? detail : refusalReason(match, refusal);
  if (!blocks(k.level)) {
    k.writer?.append(makeEntry(k, kind, target, 'would_deny', match.ruleId, `${reason} (development level: recorded, not blocked)`, match.violation, actor, caller));
    return null;
  }
  const error = new GovernanceDeniedError({ action: kind, target, ruleId: match.ruleId, level: k.level, reason, violation: match.violation });
  // Durable before the throw; if the log cannot take it, the action stays denied (fail closed).
  try {
    k.writer?.appendDurable(makeEntry(k, kind, target, 'deny', match.ruleId, reason, match.violation, actor, caller));
  } catch (writeError) {
    k.onInternalError(writeError);
  }
  return error;
}

function internalFailure(k: KernelOptions, kind: ActionKind, target: string, error: unknown): GovernanceDeniedError | null {
  k.onInternalError(error);
  if (!blocks(k.level)) return null;
  return new GovernanceDeniedError({ action: kind, target, ruleId: 'internal', level: k.level, reason: REASON.internal, violation: null });
}

function makeEntry(k: KernelOptions, action: string, target: string, decision: Decision, ruleId: string | null, reason: string, violation: ViolationType | null, actor: string, caller: string | null): PendingEntry {
  return { ts: DateNow(), pid, actor, action, target, decision, ruleId, level: k.level, reason, caller, violation };
}
