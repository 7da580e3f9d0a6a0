// A commit of the audit log must not start with too little stack left. A program can make a governed call from
// its deepest frame; a commit that then ran out of stack half-way left its transaction open, and the driver's next
// error could not even be built: better-sqlite3 aborted the process (V8 "ToLocalChecked Empty MaybeLocal", seen in
// CI on 2026-11-23). The probe descends a fixed number of frames first, so a commit either has room for all of its
// work or does not start.

/**
 * Frames the probe descends. Measured on 2026-11-23 (Node 20-26), in frames of `descend` once optimised, about 64
 * bytes each (V8's stack holds about 15,700): a commit needs up to about 670 while its code is still cold, 300 once
 * warm. 1500 frames is about 100 KB, a tenth of the stack.
 */
const PROBE_FRAMES = 1500;

function descend(n: number): number {
  return n === 0 ? 0 : descend(n - 1) + 1;
}

/** Whether PROBE_FRAMES more frames fit on the stack now. */
export function hasStackHeadroom(): boolean {
  try {
    descend(PROBE_FRAMES);
    return true;
  } catch {
    return false; // the RangeError of an exhausted stack: descend does nothing else that can throw
  }
}
