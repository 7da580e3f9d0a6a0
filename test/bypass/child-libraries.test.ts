// LD_PRELOAD, LD_AUDIT and LD_LIBRARY_PATH put native code into a child whatever program it runs, so an
// allowed /bin/true becomes a carrier; GCONV_PATH does the same to any child that converts character sets (iconv). A real shared object whose constructor writes a marker stands for the
// library: under a production policy that denies it, no spawn route may start a child with it (a plain env,
// the inherited process.env, a shell, a repeated variable in raw envPairs, where the loader reads the last),
// and each refusal is in the audit log. The library this process was started with passes (it came from
// whoever started the process), and an allowed library really loads into the child.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject } from '../helpers/governed-run';
import { buildMarkerLibrary, expectNativeRefusal, MARKER_ATTEMPT, type MarkerOutcome } from '../helpers/marker-library';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const cp = require('node:child_process'), fs = require('node:fs'), path = require('node:path');
const here = process.cwd();
const evil = path.join(here, 'ext', 'evil.so');
const results = {};
${MARKER_ATTEMPT}const run = (env) => { const r = cp.spawnSync('/bin/true', { env }); if (r.error) throw r.error; };
(async () => {
  await attempt('LD_PRELOAD in env', () => run({ LD_PRELOAD: evil }));
  await attempt('LD_PRELOAD after an allowed entry', () => run({ LD_PRELOAD: path.join(here, 'startup', 'evil.so') + ':' + evil }));
  await attempt('LD_AUDIT in env', () => run({ LD_AUDIT: evil }));
  await attempt('LD_LIBRARY_PATH in env', () => run({ LD_LIBRARY_PATH: '/usr/lib:' + path.dirname(evil) }));
  await attempt('a bare library name', () => run({ LD_PRELOAD: 'evil.so' }));
  await attempt('process.env.LD_PRELOAD inherited', () => { const saved = process.env.LD_PRELOAD; process.env.LD_PRELOAD = evil; try { cp.execFileSync('/bin/true'); } finally { process.env.LD_PRELOAD = saved; } });
  await attempt('through a shell', () => cp.execSync('true', { env: { PATH: process.env.PATH, LD_PRELOAD: evil } }));
  await attempt('async spawn', () => new Promise((resolve, reject) => { const child = cp.spawn('/bin/true', { env: { LD_PRELOAD: evil } }); child.on('error', reject); child.on('exit', resolve); }));
  await attempt('repeated variable in raw envPairs', () => new Promise((resolve, reject) => {
    const child = new cp.ChildProcess();
    child.on('error', reject);
    child.on('exit', resolve);
    child.spawn({ file: '/bin/true', args: ['/bin/true'], envPairs: ['LD_PRELOAD=', 'LD_PRELOAD=' + evil], stdio: 'ignore' });
  }));
  // glibc's iconv_open loads the modules a GCONV_PATH directory's gconv-modules names: here, for the EVIL charset.
  const iconv = (gconv) => { const r = cp.spawnSync('iconv', ['-f', 'EVIL', '-t', 'UTF-8', '/dev/null'], { env: { PATH: process.env.PATH, GCONV_PATH: gconv } }); if (r.error) throw r.error; };
  await attempt('GCONV_PATH', () => iconv(path.dirname(evil)));
  await attempt('an allowed GCONV_PATH', () => iconv(path.join(here, 'allowed')));
  await attempt('the start-up LD_PRELOAD, inherited', () => cp.execFileSync('/bin/true'));
  await attempt('an allowed library', () => run({ LD_PRELOAD: path.join(here, 'allowed', 'evil.so') }));
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
})();
`;

const DENIED: Record<string, string> = {
  'LD_PRELOAD in env': '<dir>/ext/evil.so',
  'LD_PRELOAD after an allowed entry': '<dir>/ext/evil.so',
  'LD_AUDIT in env': '<dir>/ext/evil.so',
  'LD_LIBRARY_PATH in env': '<dir>/ext',
  'a bare library name': 'library:evil.so',
  'process.env.LD_PRELOAD inherited': '<dir>/ext/evil.so',
  'through a shell': '<dir>/ext/evil.so',
  'async spawn': '<dir>/ext/evil.so',
  'repeated variable in raw envPairs': '<dir>/ext/evil.so',
  GCONV_PATH: '<dir>/ext',
};

const GCONV_MODULES = 'module EVIL// INTERNAL evil 1\nmodule INTERNAL EVIL// evil 1\n';

describe.each(LAUNCH_MODES)('loader variables of a child under a production policy (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'ext/gconv-modules': GCONV_MODULES, 'allowed/gconv-modules': GCONV_MODULES } });
  buildMarkerLibrary(join(dir, 'ext'), join(dir, 'MARKER'));
  buildMarkerLibrary(join(dir, 'allowed'), join(dir, 'MARKER'));
  // Loaded into the governed process itself at start-up; it writes a marker of its own.
  const startup = buildMarkerLibrary(join(dir, 'startup'), join(dir, 'STARTUP-MARKER'));
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    env: { LD_PRELOAD: startup },
    policy: {
      level: 'production',
      default: 'allow',
      rules: [{ id: 'no-libraries', action: 'native_addon', target: [`${dir}/ext/**`, `${dir}/ext`, `${dir}/startup/**`, 'library:*'], effect: 'deny' }],
    },
  });
  const outcomes = run.status === 0 ? routeResults<Record<string, MarkerOutcome>>(run) : {};
  const entries = run.entries();
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(Object.entries(DENIED))('%s is refused as native_addon:%s and the library never runs', (label, rawTarget) => {
    expectNativeRefusal(outcomes[label], entries, rawTarget.replace('<dir>', dir));
  });

  it('the start-up LD_PRELOAD passes on unchanged, though the policy denies its path', () => {
    expect(existsSync(join(dir, 'STARTUP-MARKER'))).toBe(true);
    expect(outcomes['the start-up LD_PRELOAD, inherited']).toMatchObject({ outcome: 'done' });
    expect(entries.some((e) => e.action === 'native_addon' && e.target === startup)).toBe(false);
  });

  it('positive control: an allowed library loads into the child', () => {
    expect(outcomes['an allowed library']).toEqual({ outcome: 'done', ran: true });
    expect(outcomes['an allowed GCONV_PATH']).toEqual({ outcome: 'done', ran: true });
  });
});
