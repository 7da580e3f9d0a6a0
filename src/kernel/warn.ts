import { writeSync } from 'node:fs';
import { primordials } from '../primordials';

const { SetPrototypeAdd, SetPrototypeHas } = primordials;

// Captured Set methods: a program's Set.prototype.has could otherwise throw here and stop what called us (the
// integrity watch's record of a change, until 2026-11-23).
const warned = new primordials.SafeSet<string>();

/** Writes a governance message to stderr once per distinct text (fd write: never governed, never buffered). */
export function warnOnce(message: string): void {
  if (SetPrototypeHas(warned, message)) return;
  SetPrototypeAdd(warned, message);
  try {
    writeSync(2, `mltrainer-governance: ${message}\n`);
  } catch {
    // stderr closed: nothing more we can do.
  }
}
