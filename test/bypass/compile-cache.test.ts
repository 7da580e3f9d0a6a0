// module.enableCompileCache(dir) (Node 22+): Node's C++ writes each module's cache entry at exit or flush into
// `<dir>/<version>-<arch>-<hash>-<uid>/`, through whatever is at that path by then. Enabling was decided as a write of
// `dir` only, so a symlink made afterwards in place of that directory (or of `dir`, or of a directory above it), or
// planted there before enabling, sent the entries into a directory the rules let the program write nothing into
// (until 2026-11-23). Now every entry of `dir` is decided when the cache is enabled, and links made while it is on are
// decided as the write the cache would make through them. Positive control: the cache still works in ok/.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createProject, describeEachModeIf, governedRun, removeProject, writeOnlyInOkPolicy } from '../helpers/governed-run';
import { printedResults } from '../helpers/route-results';

const hasCompileCache = typeof (require('node:module') as { getCompileCacheDir?: unknown }).getCompileCacheDir === 'function';

const APP = String.raw`
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const scenario = process.argv[2];
const denied = path.resolve('denied');
function attempt(fn) {
  try { fn(); return 'done'; } catch (e) { return e.code; }
}
const results = {};
if (scenario === 'probe') {
  Module.enableCompileCache('ok/probe');
  results.sub = path.basename(Module.getCompileCacheDir());
}
if (scenario === 'later') {
  Module.enableCompileCache('ok/cc/cache');
  const sub = Module.getCompileCacheDir();
  fs.rmSync(sub, { recursive: true });
  results['symlink in place of the cache directory'] = attempt(() => fs.symlinkSync(denied, sub));
  results['plain rename of a directory above it'] = attempt(() => fs.renameSync('ok/cc', 'ok/cc-moved'));
  results['symlink in place of that directory'] = attempt(() => fs.symlinkSync(denied, 'ok/cc'));
}
if (scenario === 'planted') {
  fs.mkdirSync('ok/planted');
  fs.symlinkSync(denied, 'ok/planted/' + process.argv[3]);
  results['enable over a planted link'] = attempt(() => Module.enableCompileCache('ok/planted'));
}
if (scenario === 'control') {
  results.enabled = Module.enableCompileCache('ok/good').status;
}
require('./mod.cjs');
if (Module.flushCompileCache) Module.flushCompileCache();
process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
`;

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeProject));

describeEachModeIf(hasCompileCache, 'compile cache entries redirected by a link (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'mod.cjs': 'module.exports = 42;\n', 'ok/.keep': '', 'denied/.keep': '' } });
  dirs.push(dir);
  const policy = writeOnlyInOkPolicy(dir);
  const run = (...args: string[]) => governedRun({ dir, mode, entry: 'app.cjs', args, policy });
  const probe = run('probe');
  const sub = printedResults<{ sub?: string }>(probe).sub ?? '';
  const later = run('later');
  const planted = run('planted', sub);
  const control = run('control');

  it('ran to completion', () => {
    expect(sub, probe.stderr).toMatch(/^v\d+\./);
    for (const r of [later, planted, control]) expect(r.status, r.stderr).toBe(0);
  });

  it('links made while the cache is on are refused where they would redirect it', () => {
    expect(printedResults(later)).toEqual({
      'symlink in place of the cache directory': 'EGOVDENIED',
      'plain rename of a directory above it': 'done',
      'symlink in place of that directory': 'EGOVDENIED',
    });
  });

  it('enabling over a planted link is refused', () => {
    expect(printedResults(planted)).toEqual({ 'enable over a planted link': 'EGOVDENIED' });
  });

  it('nothing was written into denied/, and the refusals are on the record', () => {
    expect(readdirSync(join(dir, 'denied'))).toEqual(['.keep']);
    const refusals = [...later.entries(), ...planted.entries()].filter((e) => e.action === 'file_write' && e.decision === 'deny' && e.target.startsWith(`${dir}/denied/`));
    expect(refusals.length).toBeGreaterThanOrEqual(3);
  });

  it('positive control: the cache writes its entries in ok/', () => {
    expect(printedResults(control)).toEqual({ enabled: 1 });
    expect(existsSync(join(dir, 'ok/good', sub))).toBe(true);
    expect(readdirSync(join(dir, 'ok/good', sub)).length).toBeGreaterThan(0);
  });
});
