// Switching the integrity watch off from JavaScript (production policy, three launch modes). The watch looks at the
// package's entries in require.cache (to freeze their exports), at the locked slots and at the rules variables and
// files, each second and at exit, and warns and records what changed. Until 2026-11-23 an entry the program planted
// in require.cache under the package's dist/src/, whose `loaded` getter threw, stopped every later check, and a
// program's Set.prototype.has that threw on the warning's text stopped the record before it was written: a changed
// MLTRAINER_ENFORCEMENT_LEVEL was then never recorded as rule_modification. The change must be recorded anyway.
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const fs = require('node:fs'), path = require('node:path');
const [variant] = process.argv.slice(2);
process.on('uncaughtException', () => {});
if (variant === 'planted') {
  const dist = path.dirname(fs.realpathSync(require.resolve('@mltrainer/governance')));
  require.cache[path.join(dist, 'src', 'planted.js')] = { get loaded() { throw new Error('planted'); } };
}
if (variant === 'set') {
  const has = Set.prototype.has;
  Set.prototype.has = function (value) { if (typeof value === 'string' && value.startsWith('integrity watch')) throw new Error('poisoned'); return has.call(this, value); };
}
process.env.MLTRAINER_ENFORCEMENT_LEVEL = 'development';
let outcome;
try { fs.writeFileSync(path.join(__dirname, 'denied', 'after'), 'x'); outcome = 'written'; } catch (e) { outcome = e && e.code; }
process.stdout.write('RESULTS ' + JSON.stringify({ outcome }) + '\n');
setTimeout(() => {}, 1300); // one timer tick of the watch, then the check at exit
`;

describe.each(LAUNCH_MODES)('the integrity watch cannot be switched off from JavaScript (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'denied/.keep': '' } });
  const policy = {
    level: 'production',
    default: 'deny',
    rules: [{ id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' }],
  };
  afterAll(() => removeProject(dir));

  it.each(['planted', 'set', 'none'])('a changed level variable is recorded as rule_modification (%s)', (variant) => {
    const run = governedRun({ dir, mode, entry: 'app.cjs', policy, args: [variant] });
    expect(run.status, run.stderr).toBe(0);
    expect(routeResults<{ outcome: string }>(run).outcome).toBe('EGOVDENIED'); // the level stays production
    const records = run.entries().filter((e) => e.action === 'integrity' && e.target === 'process.env.MLTRAINER_ENFORCEMENT_LEVEL' && e.pid === lastRunPid(run.entries()));
    expect(records.map((e) => e.violation)).toEqual(['rule_modification']);
  });
});

/** The pid of the run whose denied write is the last entry for `after` (runs share the log; each is one process). */
function lastRunPid(entries: { target: string; pid: number; action: string }[]): number {
  const writes = entries.filter((e) => e.action === 'file_write' && e.target.endsWith('/denied/after'));
  return writes[writes.length - 1].pid;
}
