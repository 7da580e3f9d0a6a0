// The load-time checker (analysis.atLoad, src/kernel/load-check.ts) against a program that tries to switch it off,
// in the three launch modes, under a production policy that lets the program write anywhere in the project (the
// state dir included). Before: a replaced Array.prototype[Symbol.iterator] made the checker skip every module (its
// extension test iterated with for-of, and babel, running in the program's realm, found nothing anyway); an entry
// planted in require.cache for governance's analysis/index answered no findings; a forged result written into
// <stateDir>/analysis-cache passed the module. In each case a module with synthetic data ran. Now the checker runs
// on a thread of its own, started before user code, and its cache is refused to the program's writes: the module
// is refused as synthetic_data, on the record, and never ran. Positive control: a clean module loads.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const GENERATOR = (name: string) => `
require('node:fs').writeFileSync(__dirname + '/${name}-ran', '1');
module.exports = Array.from({ length: 3 }, () => Math.random());
`;

const APP = String.raw`
'use strict';
const fs = require('node:fs'), path = require('node:path'), crypto = require('node:crypto');
const scenario = process.argv[2];
const results = {};
function load(label, file) {
  try { require(file); results[label] = 'loaded'; } catch (e) { results[label] = e.code + ' ' + (e.violation || ''); }
}
if (scenario === 'iterator') {
  const saved = Array.prototype[Symbol.iterator];
  Array.prototype[Symbol.iterator] = function () { return { next: () => ({ done: true, value: undefined }), [Symbol.iterator]() { return this; } }; };
  try { load('module', './gen-iterator.cjs'); } finally { Array.prototype[Symbol.iterator] = saved; }
}
if (scenario === 'require-cache') {
  const dist = path.join(fs.realpathSync('node_modules/@mltrainer/governance'), 'dist', 'src', 'analysis', 'index.js');
  require.cache[dist] = { id: dist, filename: dist, loaded: true, exports: { checkSource: () => [] } };
  load('module', './gen-plant.cjs');
}
if (scenario === 'forged-cache') {
  const file = path.resolve('gen-forged.cjs');
  const key = crypto.createHash('sha256').update('1\0' + file + '\0' + fs.readFileSync(file, 'utf8')).digest('hex');
  const cache = path.resolve('.governance', 'analysis-cache');
  try { fs.mkdirSync(cache, { recursive: true }); fs.writeFileSync(path.join(cache, key + '.json'), '[]'); results.forge = 'written'; }
  catch (e) { results.forge = e.code + ' ' + (e.violation || ''); }
  load('module', './gen-forged.cjs');
}
load('clean', './clean.cjs');
process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
`;

const SCENARIOS: Record<string, string> = { iterator: 'gen-iterator', 'require-cache': 'gen-plant', 'forged-cache': 'gen-forged' };

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeProject));

describe.each(LAUNCH_MODES)('the load-time checker cannot be switched off by the program (%s)', (mode) => {
  const dir = createProject({
    files: {
      'app.cjs': APP,
      'clean.cjs': 'module.exports = 1;\n',
      'gen-iterator.cjs': GENERATOR('gen-iterator'),
      'gen-plant.cjs': GENERATOR('gen-plant'),
      'gen-forged.cjs': GENERATOR('gen-forged'),
    },
  });
  dirs.push(dir);
  const policy = {
    level: 'production',
    default: 'deny',
    analysis: { atLoad: true },
    rules: [
      { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
      { id: 'write-anywhere-here', action: 'file_write', target: `${dir}/**`, effect: 'allow' },
    ],
  };
  const runs: Record<string, ReturnType<typeof governedRun>> = {};
  for (const scenario of Object.keys(SCENARIOS)) runs[scenario] = governedRun({ dir, mode, entry: 'app.cjs', args: [scenario], policy });
  const results = (scenario: string) => (runs[scenario].status === 0 ? routeResults<Record<string, string>>(runs[scenario]) : {});

  it.each(Object.keys(SCENARIOS))('%s: the module with synthetic data is refused and never ran; a clean one loads', (scenario) => {
    expect(runs[scenario].status, runs[scenario].stderr).toBe(0);
    expect(results(scenario).module).toBe('EGOVDENIED synthetic_data');
    expect(existsSync(join(dir, `${SCENARIOS[scenario]}-ran`))).toBe(false);
    expect(results(scenario).clean).toBe('loaded');
  });

  it('the forged cache entry was refused as runtime_bypass', () => {
    expect(results('forged-cache').forge).toBe('EGOVDENIED runtime_bypass');
  });

  it('each refusal is in the log', () => {
    const denials = runs['forged-cache'].entries().filter((e) => e.decision === 'deny');
    for (const name of Object.values(SCENARIOS)) {
      expect(denials).toContainEqual(expect.objectContaining({ action: 'module_load', target: join(dir, `${name}.cjs`), violation: 'synthetic_data' }));
    }
    expect(denials).toContainEqual(expect.objectContaining({ action: 'file_write', target: join(dir, '.governance', 'analysis-cache'), violation: 'runtime_bypass' }));
  });
});
