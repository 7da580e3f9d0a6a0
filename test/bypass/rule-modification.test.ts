// Attempts to change the rules of a running governed program, in the three launch modes, under a
// production policy that allows writes everywhere in the project: writes to the config file and to the
// loader's validated copy in the state dir (write, append, rename onto, unlink, a recursive rm of the
// state dir) are refused as `rule_modification` whatever the rules say, and the files stay as they
// were. Changes made where the hooks cannot refuse them (another process editing the config, the
// enforcement-level variable) are recorded as `rule_modification` by the integrity watch; the loader's
// module is not in require.cache to be replaced. Positive control: an ordinary write still works.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject, writeProjectFiles } from '../helpers/governed-run';
import { printedResults } from '../helpers/route-results';

const APP = String.raw`
const fs = require('node:fs'), path = require('node:path'), cp = require('node:child_process');
const here = process.cwd();
const config = path.join(here, 'governance.config.json');
const cache = path.join(here, '.governance', 'config.validated.json');
const permissive = '{"level":"development","default":"allow","rules":[]}';
const results = {};
async function attempt(label, fn) {
  try { await fn(); results[label] = { outcome: 'done' }; } catch (e) { results[label] = { outcome: 'refused', code: e.code, violation: e.violation }; }
}
(async () => {
  await attempt('writeFileSync config', () => fs.writeFileSync(config, permissive));
  await attempt('promises.writeFile config', () => fs.promises.writeFile(config, permissive));
  await attempt('appendFileSync config', () => fs.appendFileSync(config, ' '));
  await attempt('renameSync onto config', () => { fs.writeFileSync(path.join(here, 'out', 'new.json'), permissive); fs.renameSync(path.join(here, 'out', 'new.json'), config); });
  await attempt('unlinkSync config', () => fs.unlinkSync(config));
  await attempt('createWriteStream config', () => new Promise((resolve, reject) => fs.createWriteStream(config).on('error', reject).on('open', resolve)));
  await attempt('forge the validated cache', () => fs.writeFileSync(cache, '{}'));
  await attempt("forge the loader's temporary copy before its rename", () => fs.writeFileSync(cache + '.4242.tmp', '{}'));
  await attempt('rmSync of the state dir', () => fs.rmSync(path.join(here, '.governance'), { recursive: true }));
  await attempt('write the frozen status', () => { 'use strict'; require('@mltrainer/governance').governanceStatus().level = 'development'; });
  await attempt('ordinary write', () => fs.writeFileSync(path.join(here, 'out', 'ok.txt'), 'ok'));
  // Routes below the fs hooks: only the integrity watch can notice them.
  process.env.MLTRAINER_ENFORCEMENT_LEVEL = 'development';
  const loadJs = fs.realpathSync(require.resolve('@mltrainer/governance/package.json').replace(/package\.json$/, 'dist/src/rules/load.js'));
  results.loaderInCache = require.cache[loadJs] !== undefined;
  cp.execFileSync('/bin/sh', ['-c', 'printf " " >> "$0"', config]);
  results.level = require('@mltrainer/governance').governanceStatus().level;
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
})();
`;

const REFUSED = [
  'writeFileSync config',
  'promises.writeFile config',
  'appendFileSync config',
  'renameSync onto config',
  'unlinkSync config',
  'createWriteStream config',
  'forge the validated cache',
  "forge the loader's temporary copy before its rename",
];

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeProject));

describe.each(LAUNCH_MODES)('changing the rules of a running program (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'out/.keep': '' } });
  dirs.push(dir);
  writeProjectFiles(dir, {
    policy: {
      level: 'production',
      default: 'deny',
      rules: [
        { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
        { id: 'write-anywhere-here', action: 'file_write', target: `${dir}/**`, effect: 'allow' },
        { id: 'shell', action: 'process_spawn', target: ['sh', 'printf'], effect: 'allow' },
      ],
    },
  });
  const original = readFileSync(join(dir, 'governance.config.json'), 'utf8');
  const run = governedRun({ dir, mode, entry: 'app.cjs' });
  const results = printedResults<Record<string, { outcome: string; code?: string; violation?: string }> & { level?: string; loaderInCache?: boolean }>(run);
  const entries = run.entries();

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(REFUSED)('%s is refused as rule_modification', (label) => {
    expect(results[label]).toEqual({ outcome: 'refused', code: 'EGOVDENIED', violation: 'rule_modification' });
  });

  it('rmSync of the state dir is refused (it holds the rules cache and the audit log: whichever the walk meets first)', () => {
    expect(results['rmSync of the state dir']).toMatchObject({ outcome: 'refused', code: 'EGOVDENIED' });
    expect(['rule_modification', 'runtime_bypass']).toContain(results['rmSync of the state dir'].violation);
  });

  it('the rules files are as they were (but for the other process\'s edit) and the refusals are in the log', () => {
    expect(readFileSync(join(dir, 'governance.config.json'), 'utf8')).toBe(`${original} `);
    expect(existsSync(join(dir, '.governance', 'config.validated.json'))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, '.governance', 'config.validated.json'), 'utf8')).config.level).toBe('production');
    const refused = entries.filter((e) => e.violation === 'rule_modification' && e.action === 'file_write' && e.decision === 'deny');
    const cache = join(dir, '.governance', 'config.validated.json');
    expect(new Set(refused.map((e) => e.target))).toEqual(new Set([join(dir, 'governance.config.json'), cache, `${cache}.4242.tmp`]));
    expect(refused.length).toBeGreaterThanOrEqual(REFUSED.length);
  });

  it('the frozen status cannot be written and the level stays production', () => {
    expect(results['write the frozen status'].outcome).toBe('refused');
    expect(results.level).toBe('production');
  });

  it('changes below the hooks are recorded by the integrity watch', () => {
    const watched = entries.filter((e) => e.action === 'integrity' && e.violation === 'rule_modification').map((e) => e.target);
    expect(watched).toEqual(expect.arrayContaining([join(dir, 'governance.config.json'), 'process.env.MLTRAINER_ENFORCEMENT_LEVEL']));
  });

  it('the rules loader of the running governance is not in require.cache, where its exports could be replaced', () => {
    expect(results.loaderInCache).toBe(false);
  });

  it('an ordinary write still works (positive control)', () => {
    expect(results['ordinary write']).toEqual({ outcome: 'done' });
    expect(readFileSync(join(dir, 'out', 'ok.txt'), 'utf8')).toBe('ok');
  });
});

// Governance works paths out after user code has run (the protected rules files on first use, a late audit
// writer at exit, the compile cache's default directory): with node:path's functions it captured at load, never
// with the program's replacements, nor with Node 20's own path.join, which a poisoned Array.prototype.push breaks.
const TAMPERED_PATHS = String.raw`
const fs = require('node:fs'), path = require('node:path');
const cache = path.join(process.cwd(), '.governance', 'config.validated.json');
path.join = () => '/nowhere'; path.resolve = () => '/nowhere'; path.dirname = () => '/nowhere';
Array.prototype.push = function () { return 0; };
let outcome;
try { fs.writeFileSync(cache, '{"forged":true}'); outcome = { outcome: 'done' }; } catch (e) { outcome = { outcome: 'refused', code: e.code, violation: e.violation }; }
process.stdout.write('RESULTS ' + JSON.stringify({ outcome }) + '\n');
`;

describe.each(LAUNCH_MODES)('the rules files stay protected when node:path was tampered with first (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': TAMPERED_PATHS } });
  dirs.push(dir);
  const policy = {
    level: 'production',
    default: 'deny',
    rules: [
      { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
      { id: 'write-anywhere-here', action: 'file_write', target: `${dir}/**`, effect: 'allow' },
    ],
  };
  const run = governedRun({ dir, mode, entry: 'app.cjs', policy });

  it('forging the validated cache is refused as rule_modification, and the cache is as it was', () => {
    expect(printedResults<{ outcome?: unknown }>(run).outcome, run.stderr).toEqual({ outcome: 'refused', code: 'EGOVDENIED', violation: 'rule_modification' });
    expect(JSON.parse(readFileSync(join(dir, '.governance', 'config.validated.json'), 'utf8')).config.level).toBe('production');
  });
});
