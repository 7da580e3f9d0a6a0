// Tamper resistance around the hooks. Every governed slot is locked (non-writable, non-configurable),
// so plain JavaScript cannot replace or remove a patch; what remains are routes below JavaScript
// (native code, the inspector) and objects that are not locked. This file:
// - freezes the exports of the package's own modules, so no function the hooks call can be swapped
//   (the live modules are also out of the program's reach: own-modules.ts);
// - watches every locked slot with a cheap unref'd timer (all slots each second) and integrityStep() on
//   the decision path, and records a `runtime_bypass` violation when one changed;
// - watches the rules files and this process's config and level variables on the same timer, and
//   records a `rule_modification` violation when one changed
//   (writes to the rules files through fs are refused earlier, in rules-files.ts).
import { runBeforeExitListeners } from '../kernel/lifecycle';
import { recordEvent } from '../kernel/gate';
import { warnOnce } from '../kernel/warn';
import { primordials } from '../primordials';
import { RulesWatch } from './integrity-rules';
import { IntegrityWatch, type Tamper } from './integrity-watch';
import { freezePackageExports, watchedOwners } from './integrity-targets';

const INTERVAL_MS = 1000;
/** Decisions per decision-time step (a power of two). */
const STEP_EVERY = 16;

let watch: IntegrityWatch | null = null;
let rules: RulesWatch | null = null;
let rulesPending = true;
let decisions = 0;

function report(tamper: Tamper): void {
  const reason = `${tamper.label} changed after activation (${tamper.detail}); governance there may be switched off`;
  recordEvent('integrity', tamper.label, 'deny', reason, 'runtime_bypass', true); // the record first, then the warning
  warnOnce(`integrity watch: ${reason}`);
}

function reportRules(change: Tamper): void {
  const reason = `${change.label}: ${change.detail} after activation, an attempt to change the rules or the code that enforces them`;
  recordEvent('integrity', change.label, 'deny', reason, 'rule_modification', true);
  warnOnce(`integrity watch: ${reason}`);
}

/**
 * For the decision path: checks one slot every STEP_EVERY calls (O(1), a few ns amortised). The first
 * decisions after activation (loading the program) also take the rules files' snapshot, before any user
 * code runs.
 */
export function integrityStep(): void {
  if (rulesPending && rules !== null) rulesPending = !rules.snapshot();
  if ((++decisions & (STEP_EVERY - 1)) === 0) watch?.step();
}

function guarded(step: () => void): void {
  try {
    step();
  } catch (error) {
    warnOnce(`integrity watch: a check failed: ${primordials.ownErrorCode(error) ?? 'error'}`);
  }
}

export function installIntegrityWatch(): void {
  freezePackageExports();
  watch = new IntegrityWatch(report);
  const owners = watchedOwners();
  for (let i = 0; i < owners.length; i++) watch.watchLockedSlots(owners[i].owner, owners[i].label);
  rules = new RulesWatch(reportRules);
  // Each part on its own: one that fails (until 2026-11-23 a require.cache entry the program planted, whose
  // `loaded` getter threw, stopped the whole watch) must not keep the others from looking.
  const checkAll = () => {
    guarded(freezePackageExports);
    guarded(() => watch!.checkAll());
    guarded(() => rules!.check());
  };
  const timer = setInterval(checkAll, INTERVAL_MS);
  timer.unref();
  // Once more at exit, so a short-lived program is looked at too; before the kernel closes the log, and before any
  // 'exit' listener of the program's, which could throw and end the emit.
  runBeforeExitListeners(checkAll);
  primordials.freeze(watch);
}
