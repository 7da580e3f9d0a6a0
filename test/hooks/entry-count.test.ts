// One governed call, one decision per path and kind: Node's internal calls to other public fs functions
// on the same path are not decided again; different paths (the entries a recursive rmSync removes) are,
// once each.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';

it('records each governed call once, and the inner paths it reaches', () => {
  const out = JSON.parse(execFileSync(process.execPath, [join(__dirname, 'scripts', 'entry-count-probe.cjs')], { encoding: 'utf8' }));
  expect(out.readFileSyncBuffer).toEqual(['file_read:/file.txt']);
  expect(out.writeFileSyncBuffer).toEqual(['file_write:/file.txt']);
  expect(out.appendFileSync).toEqual(['file_write:/file.txt']);
  expect(out.truncateSync).toEqual(['file_write:/file.txt']);
  expect(out.existsSync).toEqual(['file_read:/file.txt']);
  // A recursive rm decides the top and every entry below it once, before removing anything, on every
  // line (Node 24+ removes in C++; Node 20/22's own per-entry calls below the decided top are covered).
  expect(out.rmSyncRecursive).toEqual(['file_write:/src', 'file_write:/src/sub', 'file_write:/src/sub/a.txt']);
});

it('records one module_load per require() call when every load is recorded', () => {
  const out = JSON.parse(execFileSync(process.execPath, [join(__dirname, 'scripts', 'module-entry-count-probe.cjs')], { encoding: 'utf8' }));
  expect(out.first).toEqual(['/a.cjs']);
  expect(out.again).toEqual(['/a.cjs']);
  expect(out.builtin).toEqual(['node:path']);
  expect(out.loadB).toEqual(['/b/index.cjs']);
  // A module already loaded, required from a new place: Node resolves it on every call.
  expect(out.fromB).toEqual(['/a.cjs']);
  expect(out.fromBAgain).toEqual(['/a.cjs']);
});
