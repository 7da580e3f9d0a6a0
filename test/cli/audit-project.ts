// A scratch project with an audit log written by the real writer in a child process, for the CLI tests.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export const DIST = resolve(__dirname, '..', '..', 'dist', 'src');
export const CLI = join(DIST, 'cli', 'main.js');

/**
 * Appends entries `from`..`from + count - 1` to `<dir>/state/audit.db` (keys in `<dir>/state/keys`, a checkpoint
 * every 10 entries). `entry` is a JavaScript expression of `i` giving the entry's varying fields.
 */
export function writeEntries(dir: string, from: number, count: number, entry: string): void {
  const script = `const { openAuditWriter } = require(${JSON.stringify(join(DIST, 'audit/index.js'))});
    const w = openAuditWriter({ dbPath: 'state/audit.db', keyDir: 'state/keys', checkpointEvery: 10 });
    for (let i = ${from}; i < ${from + count}; i++) w.append({ pid: 7, action: 'file_write', target: '/out/' + i, ruleId: null, level: 'staging', reason: 'r', caller: null, violation: null, ...(${entry}) });
    w.close();`;
  const run = spawnSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
}
