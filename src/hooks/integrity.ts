// Tamper resistance around the hooks. Every governed slot is locked (non-writable, non-configurable),
// so plain JavaScript cannot replace or remove a patch; what remains are routes below JavaScript
// (native code, the inspector) and objects that are not locked. This file:
// - freezes the exports of the package's own modules, so nothing reachable through require.cache or
//   the package's exports can swap a function the hooks call;
// - watches every locked slot with a cheap unref'd timer (all slots each second) and integrityStep() on
//   the decision path, and records a `runtime_bypass` violation when one changed.
import { recordEvent } from '../kernel/gate';
import { warnOnce } from '../kernel/warn';
import { primordials } from '../primordials';
import { IntegrityWatch, type Tamper } from './integrity-watch';
import { freezePackageExports, watchedOwners } from './integrity-targets';

const INTERVAL_MS = 1000;
/** Decisions per decision-time step (a power of two). */
const STEP_EVERY = 16;

let watch: IntegrityWatch | null = null;
let decisions = 0;

function report(tamper: Tamper): void {
  const reason = `${tamper.label} changed after activation (${tamper.detail}); governance there may be switched off`;
  warnOnce(`integrity watch: ${reason}`);
  recordEvent('integrity', tamper.label, 'deny', reason, 'runtime_bypass', true);
}

/** For the decision path: checks one slot every STEP_EVERY calls (O(1), a few ns amortised). */
export function integrityStep(): void {
  if ((++decisions & (STEP_EVERY - 1)) === 0) watch?.step();
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
