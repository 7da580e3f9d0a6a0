// Options inherited through an accessor on Object.prototype, which answers the check one thing and Node,
// reading again, another. Under a production policy in the three launch modes: readFileSync's `flag` (a read
// that would truncate a file the program may not write) and module.enableCompileCache's `directory` (a cache
// in a directory it may not write). Governance copies the options once (primordials.ownOptions), so whatever
// the accessor answers first is what Node gets: the protected file keeps its content, nothing reaches the
// forbidden directory. (Spawn options: test/bypass/child-process-routes.test.ts, "inherited file getter".)
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, readOnlyPolicy, removeProject } from '../helpers/governed-run';
import { printedResults } from '../helpers/route-results';

const APP = String.raw`
const fs = require('node:fs'), path = require('node:path'), Module = require('node:module');
const here = process.cwd();
const results = {};
function attempt(label, fn) { try { results[label] = { outcome: 'done', value: fn() }; } catch (e) { results[label] = { outcome: 'thrown', code: e.code }; } }
// Defines Object.prototype[name] to answer answers[0], answers[1], ... (the last one from then on) while fn runs.
function inherited(name, answers, fn) {
  let reads = 0;
  Object.defineProperty(Object.prototype, name, { configurable: true, get: () => answers[Math.min(reads++, answers.length - 1)], set() {} });
  try { return fn(); } finally { delete Object.prototype[name]; }
}
for (let k = 0; k < 4; k++) {
  const answers = [...Array(k).fill('r'), 'w'];
  attempt('readFileSync flag after ' + k + ' reads', () => inherited('flag', answers, () => fs.readFileSync('data/precious.txt', { encoding: 'utf8' })));
}
results.precious = fs.readFileSync('data/precious.txt', 'utf8');
if (typeof Module.enableCompileCache === 'function') {
  attempt('enableCompileCache directory', () => inherited('directory', [path.join(here, 'cache-ok'), path.join(here, 'forbidden', 'cache')], () => Module.enableCompileCache({}).status));
}
process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
`;

const HAS_COMPILE_CACHE = typeof (require('node:module') as { enableCompileCache?: unknown }).enableCompileCache === 'function';
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeProject));

describe.each(LAUNCH_MODES)('options inherited through an Object.prototype accessor (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'data/precious.txt': 'precious' } });
  dirs.push(dir);
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    policy: readOnlyPolicy(dir, [{ id: 'cache', action: 'file_write', target: [`${dir}/cache-ok`, `${dir}/cache-ok/**`], effect: 'allow' }]),
  });
  const results = printedResults<Record<string, { outcome: string; code?: string; value?: unknown } | string>>(run);

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it('readFileSync opens with the flag the check saw: a write is refused, a read reads, nothing is truncated', () => {
    expect(results['readFileSync flag after 0 reads']).toEqual({ outcome: 'thrown', code: 'EGOVDENIED' });
    for (const k of [1, 2, 3]) expect(results[`readFileSync flag after ${k} reads`], `k=${k}`).toEqual({ outcome: 'done', value: 'precious' });
    expect(results.precious).toBe('precious');
    expect(readFileSync(join(dir, 'data', 'precious.txt'), 'utf8')).toBe('precious');
    expect(run.entries().some((e) => e.decision === 'deny' && e.action === 'file_write' && e.target === join(dir, 'data', 'precious.txt'))).toBe(true);
  });

  it.runIf(HAS_COMPILE_CACHE)('enableCompileCache gets the directory the check saw: nothing reaches the forbidden one', () => {
    const outcome = results['enableCompileCache directory'] as { outcome: string; code?: string };
    // Node 22 takes only a directory string: it rejects the options object itself, after the check.
    if (outcome.outcome === 'thrown') expect(outcome.code).toBe('ERR_INVALID_ARG_TYPE');
    else expect(outcome.outcome).toBe('done');
    expect(existsSync(join(dir, 'forbidden'))).toBe(false);
    expect(run.entries().some((e) => e.decision === 'allow' && e.action === 'file_write' && e.target === join(dir, 'cache-ok'))).toBe(true);
  });
});
