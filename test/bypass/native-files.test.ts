// Files Node reads or writes in C++ outside fs, under a production policy in the three launch modes:
// process.loadEnvFile of a file the policy does not let the program read (its values would land in
// process.env) and module.enableCompileCache into a directory it may not write are refused, nothing is
// loaded or created, and the denials are in the audit log. Positive control: an allowed env file loads.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, readOnlyPolicy, removeProject } from '../helpers/governed-run';
import { printedResults } from '../helpers/route-results';

const APP = String.raw`
const path = require('node:path'), { pathToFileURL } = require('node:url'), Module = require('node:module');
const here = process.cwd();
const results = {};
function attempt(label, fn) { try { results[label] = { outcome: 'done', value: fn() === undefined ? null : 'value' }; } catch (e) { results[label] = { outcome: 'thrown', code: e.code, target: e.target }; } }
attempt('loadEnvFile of a secret file', () => process.loadEnvFile('secrets/prod.env'));
attempt('loadEnvFile by file URL', () => process.loadEnvFile(pathToFileURL(path.join(here, 'secrets', 'prod.env'))));
attempt('loadEnvFile of the default .env', () => { process.chdir('secrets'); try { return process.loadEnvFile(); } finally { process.chdir(here); } });
if (typeof Module.enableCompileCache === 'function') {
  attempt('enableCompileCache into a forbidden directory', () => Module.enableCompileCache(path.join(here, 'forbidden', 'cache')));
  attempt('enableCompileCache with the default directory', () => Module.enableCompileCache());
}
attempt('loadEnvFile of an allowed file', () => process.loadEnvFile('config/app.env'));
results.env = { SECRET: process.env.SECRET ?? null, APP_MODE: process.env.APP_MODE ?? null };
process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
`;

const HAS_COMPILE_CACHE = typeof (require('node:module') as { enableCompileCache?: unknown }).enableCompileCache === 'function';
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeProject));

describe.each(LAUNCH_MODES)('C++ file readers and writers outside fs (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'secrets/prod.env': 'SECRET=s3cr3t\n', 'secrets/.env': 'SECRET=default\n', 'config/app.env': 'APP_MODE=batch\n' } });
  dirs.push(dir);
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    policy: readOnlyPolicy(dir, [{ id: 'no-secrets', action: 'file_read', target: `${dir}/secrets/**`, effect: 'deny' }]),
  });
  const results = printedResults<Record<string, Record<string, unknown>>>(run);
  const denied = (target: string) => run.entries().some((e) => e.decision === 'deny' && e.target === target);

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(['loadEnvFile of a secret file', 'loadEnvFile by file URL'])('%s is refused', (label) => {
    expect(results[label]).toEqual({ outcome: 'thrown', code: 'EGOVDENIED', target: join(dir, 'secrets', 'prod.env') });
    expect(denied(join(dir, 'secrets', 'prod.env'))).toBe(true);
  });

  it('loadEnvFile of the default .env is decided on that file', () => {
    expect(results['loadEnvFile of the default .env']).toEqual({ outcome: 'thrown', code: 'EGOVDENIED', target: join(dir, 'secrets', '.env') });
  });

  it('no secret reached process.env; an allowed env file loads (positive control)', () => {
    expect(results.env).toEqual({ SECRET: null, APP_MODE: 'batch' });
    expect(results['loadEnvFile of an allowed file']).toEqual({ outcome: 'done', value: null });
  });

  it.runIf(HAS_COMPILE_CACHE)('enableCompileCache into a directory the policy does not let it write is refused', () => {
    expect(results['enableCompileCache into a forbidden directory']).toEqual({ outcome: 'thrown', code: 'EGOVDENIED', target: join(dir, 'forbidden', 'cache') });
    expect(results['enableCompileCache with the default directory'].code).toBe('EGOVDENIED');
    expect(existsSync(join(dir, 'forbidden'))).toBe(false);
    expect(denied(join(dir, 'forbidden', 'cache'))).toBe(true);
  });
});
