// A signal this process sends itself commits the queued audit entries first (src/kernel/lifecycle.ts), but only a
// pid equal to its own or 0 counted: a process leading its group (under a shell, or started with `detached: true`)
// that killed its group by number, `process.kill(-pgid, 'SIGKILL')`, ended with the allowed entries of its last 10 ms
// still queued, and an allowed write it had just made was missing from the log. Any group or -1 now counts too.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject, writeOnlyInOkPolicy } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const fs = require('node:fs'), path = require('node:path'), cp = require('node:child_process');
const here = process.cwd();
if (process.argv[2] === 'leader') {
  fs.writeFileSync(path.join(here, 'ok', 'marker.txt'), 'x');
  const pgid = Number(fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')[2]);
  if (pgid !== process.pid) process.exit(3); // never kill a group this process does not lead
  process.kill(-pgid, 'SIGKILL');
} else {
  const r = cp.spawnSync(process.execPath, [__filename, 'leader'], { detached: true, encoding: 'utf8' });
  process.stdout.write('RESULTS ' + JSON.stringify({ signal: r.signal, status: r.status, stderr: r.stderr }) + '\n');
}
`;

describe.each(LAUNCH_MODES)('a process that kills its own group by number (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'ok/.keep': '' } });
  const policy = writeOnlyInOkPolicy(dir, { rules: [{ id: 'node', action: 'process_spawn', target: [process.execPath, 'node'], effect: 'allow' }] });
  const run = governedRun({ dir, mode, entry: 'app.cjs', policy });
  afterAll(() => removeProject(dir));

  it('the group leader was killed by its own SIGKILL', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(routeResults(run)).toEqual({ signal: 'SIGKILL', status: null, stderr: '' });
    expect(existsSync(join(dir, 'ok', 'marker.txt'))).toBe(true);
  });

  it('its last allowed write is in the log', () => {
    expect(run.entries().some((e) => e.action === 'file_write' && e.target === join(dir, 'ok', 'marker.txt') && e.decision === 'allow')).toBe(true);
  });
});
