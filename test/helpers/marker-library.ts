// A real shared object whose constructor writes a marker file: what runs first when anything loads it into a
// process (dlopen of an OpenSSL engine, the dynamic loader's LD_PRELOAD), so a test can tell whether it ran.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Builds `<dir>/evil.so` with the system C compiler (CI has one: better-sqlite3 compiles from source). */
export function buildMarkerLibrary(dir: string, marker: string): string {
  mkdirSync(dir, { recursive: true });
  const source = join(dir, 'evil.c');
  writeFileSync(source, `#include <stdio.h>\n__attribute__((constructor)) static void ran(void) { FILE *f = fopen(${JSON.stringify(marker)}, "w"); if (f) { fputs("ran", f); fclose(f); } }\n`);
  const library = join(dir, 'evil.so');
  execFileSync('cc', ['-shared', '-fPIC', '-o', library, source]);
  return library;
}
