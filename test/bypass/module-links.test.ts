// A module loaded through a symlink, under a production policy that denies the package `denied-pkg`, in the three
// launch modes. `node_modules/.bin/<cli>` is a link into a package; Node's own resolver answers its real path, but
// `new Module(p).load(p)` and a resolver the program installed hand Node the link's path, which was decided as the
// package `.bin`: the denied package's file ran with nothing refused (Node 20-26), no write needed. Each must be
// refused and logged as module_load:denied-pkg; an allowed package loaded through its own link still loads.
import { symlinkSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const Module = require('node:module');
const path = require('node:path');
const results = {};
function attempt(label, fn) {
  try { results[label] = { outcome: 'loaded', value: String(fn()) }; }
  catch (e) { results[label] = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
}
const bin = (name) => path.join(__dirname, 'node_modules/.bin', name);
attempt('require of the link', () => require(bin('denied-cli')));
attempt('Module#load of the link', () => { const m = new Module(bin('denied-cli'), module); m.load(bin('denied-cli')); return m.exports; });
attempt('a program resolver answering the link', () => {
  const governed = Module._resolveFilename;
  Module._resolveFilename = function (request) { return request === 'alias' ? bin('denied-cli') : governed.apply(this, arguments); };
  try { return require('alias'); } finally { Module._resolveFilename = governed; }
});
attempt('import of the link', () => 'see below');
import(bin('denied-cli')).then((ns) => { results['import of the link'] = { outcome: 'loaded', value: String(ns.default) }; },
  (e) => { results['import of the link'] = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; })
  .then(() => {
    attempt('allowed package through its link', () => { const m = new Module(bin('ok-cli'), module); m.load(bin('ok-cli')); return m.exports; });
    process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
  });
`;

const ROUTES = ['require of the link', 'Module#load of the link', 'a program resolver answering the link', 'import of the link'];

interface Outcome {
  outcome: string;
  code?: string;
  value?: string;
  message?: string;
}

describe.each(LAUNCH_MODES)('modules loaded through links (%s)', (mode) => {
  const dir = createProject({
    files: {
      'app.cjs': APP,
      'node_modules/denied-pkg/package.json': '{"name":"denied-pkg","version":"1.0.0","bin":{"denied-cli":"cli.js"}}',
      'node_modules/denied-pkg/cli.js': "process.stdout.write('LOADED:denied-pkg\\n'); module.exports = 'denied-pkg';\n",
      'node_modules/ok-pkg/package.json': '{"name":"ok-pkg","version":"1.0.0","bin":{"ok-cli":"cli.js"}}',
      'node_modules/ok-pkg/cli.js': "module.exports = 'ok-pkg';\n",
    },
  });
  mkdirSync(join(dir, 'node_modules/.bin'), { recursive: true });
  symlinkSync('../denied-pkg/cli.js', join(dir, 'node_modules/.bin/denied-cli'));
  symlinkSync('../ok-pkg/cli.js', join(dir, 'node_modules/.bin/ok-cli'));
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    policy: {
      level: 'production',
      default: 'deny',
      rules: [
        { id: 'no-pkg', action: 'module_load', target: 'denied-pkg', effect: 'deny' },
        { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
        { id: 'state', action: 'file_write', target: `${dir}/.governance/**`, effect: 'allow' },
      ],
    },
  });
  const outcomes = routeResults<Record<string, Outcome>>(run);
  const entries = run.entries();
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(ROUTES)('%s is refused as module_load:denied-pkg', (label) => {
    expect(outcomes[label], JSON.stringify(outcomes)).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(outcomes[label].message).toContain('module_load:denied-pkg');
  });

  it('the denied package never ran, and every refusal is logged', () => {
    expect(run.stdout).not.toContain('LOADED:denied-pkg');
    const denials = entries.filter((e) => e.action === 'module_load' && e.target === 'denied-pkg' && e.decision === 'deny');
    expect(denials.length).toBeGreaterThanOrEqual(ROUTES.length);
  });

  it('positive control: an allowed package loads through its link', () => {
    expect(outcomes['allowed package through its link']).toEqual({ outcome: 'loaded', value: 'ok-pkg' });
  });
});

// Under NODE_PRESERVE_SYMLINKS=1 (or --preserve-symlinks) Node's own resolvers answer the link's path: a plain
// require() and import of `node_modules/.bin/denied-cli` were decided as `.bin` and ran the denied package.
describe.each(LAUNCH_MODES)('modules loaded through links, symlinks preserved (%s)', (mode) => {
  const dir = createProject({
    files: {
      'app.cjs': APP,
      'node_modules/denied-pkg/package.json': '{"name":"denied-pkg","version":"1.0.0","bin":{"denied-cli":"cli.js"}}',
      'node_modules/denied-pkg/cli.js': "process.stdout.write('LOADED:denied-pkg\\n'); module.exports = 'denied-pkg';\n",
      'node_modules/ok-pkg/package.json': '{"name":"ok-pkg","version":"1.0.0","bin":{"ok-cli":"cli.js"}}',
      'node_modules/ok-pkg/cli.js': "module.exports = 'ok-pkg';\n",
    },
  });
  mkdirSync(join(dir, 'node_modules/.bin'), { recursive: true });
  symlinkSync('../denied-pkg/cli.js', join(dir, 'node_modules/.bin/denied-cli'));
  symlinkSync('../ok-pkg/cli.js', join(dir, 'node_modules/.bin/ok-cli'));
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    env: { NODE_PRESERVE_SYMLINKS: '1' },
    policy: {
      level: 'production',
      default: 'deny',
      rules: [
        { id: 'no-pkg', action: 'module_load', target: 'denied-pkg', effect: 'deny' },
        { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
        { id: 'state', action: 'file_write', target: `${dir}/.governance/**`, effect: 'allow' },
      ],
    },
  });
  const outcomes = routeResults<Record<string, Outcome>>(run);
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(ROUTES)('%s is refused as module_load:denied-pkg', (label) => {
    expect(outcomes[label], JSON.stringify(outcomes)).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(outcomes[label].message).toContain('module_load:denied-pkg');
  });

  it('the denied package never ran; an allowed package still loads through its link', () => {
    expect(run.stdout).not.toContain('LOADED:denied-pkg');
    expect(outcomes['allowed package through its link']).toEqual({ outcome: 'loaded', value: 'ok-pkg' });
  });
});
