// One governed call, one decision per path and kind: Node's internal calls to other public fs functions
// on the same path are not decided again; different paths (the files rmSync removes) are.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const NATIVE_RECURSIVE_RM = Number(process.versions.node.split('.')[0]) >= 24;

it('records each governed call once, and the inner paths it reaches', () => {
  const out = JSON.parse(execFileSync(process.execPath, [join(__dirname, 'scripts', 'entry-count-probe.cjs')], { encoding: 'utf8' }));
  expect(out.readFileSyncBuffer).toEqual(['file_read:/file.txt']);
  expect(out.writeFileSyncBuffer).toEqual(['file_write:/file.txt']);
  expect(out.appendFileSync).toEqual(['file_write:/file.txt']);
  expect(out.truncateSync).toEqual(['file_write:/file.txt']);
  expect(out.existsSync).toEqual(['file_read:/file.txt']);
  expect(out.rmSyncRecursive[0]).toBe('file_write:/src');
  if (NATIVE_RECURSIVE_RM) {
    // Node 24+ removes a tree in C++: only the top path is decided (a known gap, docs/hooks.md).
    expect(out.rmSyncRecursive).toEqual(['file_write:/src']);
  } else {
    expect(out.rmSyncRecursive).toEqual(expect.arrayContaining(['file_write:/src/sub', 'file_write:/src/sub/a.txt']));
  }
  // The top path is decided once, as a write (its own lstat is covered); children are decided as reached.
  expect(out.rmSyncRecursive.filter((d: string) => d.endsWith(':/src'))).toEqual(['file_write:/src']);
});
