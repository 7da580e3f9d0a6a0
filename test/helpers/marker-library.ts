// A real shared object whose constructor writes a marker file: what runs first when anything loads it into a
// process (dlopen of an OpenSSL engine, the dynamic loader's LD_PRELOAD), so a test can tell whether it ran.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

/** Builds `<dir>/evil.so` with the system C compiler (CI has one: better-sqlite3 compiles from source). */
export function buildMarkerLibrary(dir: string, marker: string): string {
  mkdirSync(dir, { recursive: true });
  const source = join(dir, 'evil.c');
  writeFileSync(source, `#include <stdio.h>\n__attribute__((constructor)) static void ran(void) { FILE *f = fopen(${JSON.stringify(marker)}, "w"); if (f) { fputs("ran", f); fclose(f); } }\n`);
  const library = join(dir, 'evil.so');
  execFileSync('cc', ['-shared', '-fPIC', '-o', library, source]);
  return library;
}

/**
 * App-side source (CommonJS) defining `attempt(label, fn)`: runs `fn`, records in `results[label]` whether it
 * was refused (`outcome`, `code`, `message`) and whether the marker appeared (`ran`), then removes the marker.
 * Expects `fs`, `path` and `results` in scope; the marker is `MARKER` in the working directory.
 */
export const MARKER_ATTEMPT = String.raw`
async function attempt(label, fn) {
  const marker = path.join(process.cwd(), 'MARKER');
  let outcome;
  try { await fn(); outcome = { outcome: 'done' }; }
  catch (e) { outcome = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
  outcome.ran = fs.existsSync(marker);
  if (outcome.ran) fs.unlinkSync(marker);
  results[label] = outcome;
}
`;

/** What an app using MARKER_ATTEMPT prints for one attempt. */
export interface MarkerOutcome {
  outcome: string;
  code?: string;
  message?: string;
  ran: boolean;
}

/** The attempt was refused as `native_addon:<target>`, ran no native code, and the denial is in the log. */
export function expectNativeRefusal(outcome: MarkerOutcome | undefined, entries: readonly { action: string; target: string; decision: string }[], target: string): void {
  expect(outcome, JSON.stringify(outcome)).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED', ran: false });
  expect(outcome!.message).toContain(`native_addon:${target}`);
  expect(entries.some((e) => e.action === 'native_addon' && e.target === target && e.decision === 'deny')).toBe(true);
}
