// Native addons under a production policy, in the three launch modes: loading a real addon (a copy of
// better-sqlite3's) from a new path by every route is refused, recorded, and the addon is not loaded.
// Positive control: the policy-allowed path loads in the same process.
import { copyFileSync, mkdirSync, realpathSync, symlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, REPO_ROOT, readOnlyPolicy, removeProject } from '../helpers/governed-run';

const ADDON = realpathSync(join(REPO_ROOT, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'));

const APP = String.raw`
const Module = require('node:module'), path = require('node:path'), { pathToFileURL } = require('node:url');
const [copy, link, allowed] = process.argv.slice(2);
const results = {};
function attempt(label, fn) {
  const target = { exports: {} };
  try { fn(target); results[label] = { outcome: 'loaded', exports: Object.keys(target.exports).length }; }
  catch (e) { results[label] = { outcome: 'thrown', code: e.code, message: String(e.message), exports: Object.keys(target.exports).length }; }
}
attempt('process.dlopen', (m) => process.dlopen(m, copy));
attempt('process.dlopen URL', (m) => process.dlopen(m, pathToFileURL(copy)));
attempt('process.dlopen relative', (m) => process.dlopen(m, path.relative(process.cwd(), copy)));
attempt('require .node', (m) => { m.exports = require(copy); });
attempt('createRequire .node', (m) => { m.exports = Module.createRequire(__filename)(copy); });
attempt('Module._extensions[.node]', (m) => Module._extensions['.node'](m, copy));
attempt('symlink to the addon', (m) => process.dlopen(m, link));
attempt('dlopen with flags', (m) => process.dlopen(m, copy, require('node:os').constants.dlopen.RTLD_NOW));
attempt('restore dlopen', () => { Object.defineProperty(process, 'dlopen', { value: function () {} }); });
attempt('assign dlopen then load', (m) => { try { process.dlopen = function () {}; } catch {} process.dlopen(m, copy); });
attempt('process.dlopen of an object whose toString names it', (m) => process.dlopen(m, { toString: () => copy }));
// A name without a slash is searched for by the dynamic loader (LD_LIBRARY_PATH holds a copy of that name), not
// taken from the current directory, where the allowed addon has that name.
attempt('process.dlopen of a bare name', (m) => {
  const here = process.cwd();
  process.chdir(path.dirname(allowed));
  try { process.dlopen(m, path.basename(allowed)); } finally { process.chdir(here); }
});
attempt('allowed addon', (m) => process.dlopen(m, allowed));
process.stdout.write(JSON.stringify(results) + '\n');
`;

const DENIED = ['process.dlopen', 'process.dlopen of an object whose toString names it', 'process.dlopen URL', 'process.dlopen relative', 'require .node', 'createRequire .node', 'Module._extensions[.node]', 'symlink to the addon', 'dlopen with flags', 'assign dlopen then load'];

describe.each(LAUNCH_MODES)('native addons under a production policy (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP } });
  const copy = join(dir, 'vendor', 'evil.node');
  const link = join(dir, 'vendor', 'innocent.node');
  mkdirSync(join(dir, 'vendor'));
  copyFileSync(ADDON, copy);
  symlinkSync(copy, link);
  mkdirSync(join(dir, 'lib'));
  copyFileSync(ADDON, join(dir, 'lib', basename(ADDON)));
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    args: [copy, link, ADDON],
    env: { LD_LIBRARY_PATH: join(dir, 'lib') },
    policy: readOnlyPolicy(dir, [
      { id: 'sqlite', action: 'native_addon', target: ADDON, effect: 'allow' },
    ]),
  });
  const results = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as Record<string, { outcome: string; code?: string; message: string; exports: number }>;
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it.each(DENIED)('%s is refused and the addon is not loaded', (label) => {
    expect(results[label], JSON.stringify(results)).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED', exports: 0 });
    expect(results[label].message).toContain(`native_addon:${copy}`);
  });

  it('a bare name is decided as the library the dynamic loader searches for, not as a file in the current directory', () => {
    expect(results['process.dlopen of a bare name']).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED', exports: 0 });
    expect(results['process.dlopen of a bare name'].message).toContain(`native_addon:library:${basename(ADDON)}`);
  });

  it('the governed dlopen cannot be redefined', () => {
    expect(results['restore dlopen']).toMatchObject({ outcome: 'thrown' });
    expect(results['restore dlopen'].message).toMatch(/Cannot redefine property: dlopen/);
  });

  it('positive control: the allowed addon loads in the same process', () => {
    expect(results['allowed addon'].outcome).toBe('loaded');
    expect(results['allowed addon'].exports).toBeGreaterThan(0);
  });

  it('every refusal is in the audit log, by real path', () => {
    const denials = run.entries().filter((e) => e.action === 'native_addon' && e.decision === 'deny');
    expect(denials.length).toBeGreaterThanOrEqual(DENIED.length);
    expect(denials.every((e) => e.target === copy || e.target === `library:${basename(ADDON)}`)).toBe(true);
    expect(run.entries().some((e) => e.action === 'native_addon' && e.decision === 'allow' && e.target === ADDON)).toBe(true);
  });
});
