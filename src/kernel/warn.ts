import { writeSync } from 'node:fs';

const warned = new Set<string>();

/** Writes a governance message to stderr once per distinct text (fd write: never governed, never buffered). */
export function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  try {
    writeSync(2, `mltrainer-governance: ${message}\n`);
  } catch {
    // stderr closed: nothing more we can do.
  }
}
