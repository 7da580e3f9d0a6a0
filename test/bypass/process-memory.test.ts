// A process's memory as a file (/proc/self/mem and the paths it resolves to): writing it rewrites running code,
// governance's own included, reading it reads the signing key the audit writer holds. Under a production policy
// that allows every file, every road to it is still refused as runtime_bypass and recorded; other /proc files
// stay readable.
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const fs = require('node:fs');
const results = {};
async function attempt(label, fn) {
  try { await fn(); results[label] = { outcome: 'done' }; }
  catch (e) { results[label] = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
}
(async () => {
  await attempt('readFileSync', () => fs.readFileSync('/proc/self/mem'));
  await attempt('openSync for writing', () => fs.openSync('/proc/self/mem', 'r+'));
  await attempt('fs.promises.open', () => fs.promises.open('/proc/self/mem', 'r+'));
  await attempt('a write stream', () => new Promise((resolve, reject) => fs.createWriteStream('/proc/self/mem', { flags: 'r+' }).on('error', reject).on('open', resolve)));
  await attempt('by pid', () => fs.openSync('/proc/' + process.pid + '/mem', 'r'));
  await attempt('a thread', () => fs.openSync('/proc/thread-self/mem', 'r'));
  await attempt('through a symlink', () => fs.readFileSync('innocent'));
  await attempt('other /proc files', () => fs.readFileSync('/proc/self/status', 'utf8').length > 0);
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
})();
`;

const DENIED = ['readFileSync', 'openSync for writing', 'fs.promises.open', 'a write stream', 'by pid', 'a thread', 'through a symlink'];

describe.each(LAUNCH_MODES)('process memory under a production policy that allows every file (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP } });
  symlinkSync('/proc/self/mem', join(dir, 'innocent')); // resolves in the process that reads it
  const run = governedRun({ dir, mode, entry: 'app.cjs', policy: { level: 'production', default: 'allow', rules: [] } });
  const outcomes = run.status === 0 ? routeResults<Record<string, { outcome: string; code?: string; message?: string }>>(run) : {};
  const entries = run.entries();
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(DENIED)('%s is refused as runtime_bypass', (label) => {
    expect(outcomes[label], JSON.stringify(outcomes[label])).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(outcomes[label].message).toMatch(/file_(read|write):\/proc\/\d+\/(task\/\d+\/)?mem/);
  });

  it('every refusal is recorded as a runtime_bypass violation', () => {
    const refusals = entries.filter((e) => /^\/proc\/\d+\/(task\/\d+\/)?mem$/.test(e.target) && e.decision === 'deny');
    expect(refusals.length).toBeGreaterThanOrEqual(DENIED.length);
    expect(refusals.every((e) => e.violation === 'runtime_bypass')).toBe(true);
  });

  it('positive control: other /proc files are readable', () => {
    expect(outcomes['other /proc files']).toEqual({ outcome: 'done' });
  });
});
