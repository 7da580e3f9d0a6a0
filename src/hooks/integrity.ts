// Tamper resistance around the hooks. Every governed slot is locked (non-writable, non-configurable),
// so plain JavaScript cannot replace or remove a patch; what remains are routes below JavaScript
// (native code, the inspector) and objects that are not locked. This file:
// - freezes the exports of the package's own modules, so nothing reachable through require.cache or
//   the package's exports can swap a function the hooks call;
// - watches every locked slot and the frozen exports with a cheap unref'd timer and a few slots per
//   decision-time step, and records a `runtime_bypass` violation when one changed.
import { recordEvent } from '../kernel/gate';
import { warnOnce } from '../kernel/warn';
import { primordials } from '../primordials';
import { IntegrityWatch, type Tamper } from './integrity-watch';
import { freezePackageExports, watchedOwners } from './integrity-targets';

const INTERVAL_MS = 1000;

let watch: IntegrityWatch | null = null;

function report(tamper: Tamper): void {
  const reason = `${tamper.label} changed after activation (${tamper.detail}); governance there may be switched off`;
  warnOnce(`integrity watch: ${reason}`);
  recordEvent('integrity', tamper.label, 'deny', reason, 'runtime_bypass', true);
}

/** One decision-time step: checks a few slots (O(1)); meant to be called on the decision path. */
export function integrityStep(): void {
  watch?.step();
}

export function installIntegrityWatch(): void {
  freezePackageExports();
  watch = new IntegrityWatch(report);
  const owners = watchedOwners();
  for (let i = 0; i < owners.length; i++) watch.watchLockedSlots(owners[i].owner, owners[i].label);
  const timer = setInterval(() => {
    freezePackageExports();
    watch!.checkAll();
  }, INTERVAL_MS);
  timer.unref();
  primordials.freeze(watch);
}
