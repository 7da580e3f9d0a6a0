// A module loaded through a symlink, under a production policy that denies the package `denied-pkg`, in the three
// launch modes. `node_modules/.bin/<cli>` is a link into a package; Node's own resolver answers its real path, but
// `new Module(p).load(p)` and a resolver the program installed hand Node the link's path, which was decided as the
// package `.bin`: the denied package's file ran with nothing refused (Node 20-26), no write needed. Each must be
// refused and logged as module_load:denied-pkg; an allowed package loaded through its own link still loads.
import { symlinkSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, readOnlyPolicy, removeProject } from '../helpers/governed-run';
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
    policy: readOnlyPolicy(dir, [
      { id: 'no-pkg', action: 'module_load', target: 'denied-pkg', effect: 'deny' },
    ]),
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
    policy: readOnlyPolicy(dir, [
      { id: 'no-pkg', action: 'module_load', target: 'denied-pkg', effect: 'deny' },
    ]),
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

// `--preserve_symlinks` (Node reads `_` as `-` in a flag's name) given to a worker's execArgv or to a child's
// NODE_OPTIONS by the program: Node kept the link's path, but governance looked only for `--preserve-symlinks`, so
// the child or worker decided `node_modules/.bin/denied-cli` as `.bin` and ran the denied package (Node 20-26).
// Governance now asks Node's resolver itself whether it keeps links.
const SPELLING_APP = String.raw`
const { Worker } = require('node:worker_threads');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const results = {};
const child = spawnSync(process.execPath, [path.join(__dirname, 'load-link.cjs')], {
  env: { ...process.env, NODE_OPTIONS: '--preserve_symlinks' }, encoding: 'utf8' }); // governance puts its preload back
results['a child given --preserve_symlinks in NODE_OPTIONS'] = JSON.parse((/OUTCOME (.*)/.exec(child.stdout) || [0, JSON.stringify({ outcome: 'no output: ' + child.stderr.slice(0, 300) })])[1]);
// The worker's env leaves out the launch's NODE_OPTIONS: a worker parses them, and with links kept its
// '--import @mltrainer/governance' names this test's linked copy of governance a second time (refused as a copy).
const env = { ...process.env };
delete env.NODE_OPTIONS;
const worker = new Worker(path.join(__dirname, 'load-link.cjs'), { execArgv: ['--preserve_symlinks'], env });
worker.on('message', (m) => { results['a worker given --preserve_symlinks'] = m; });
worker.on('exit', () => {
  const plain = new Worker(path.join(__dirname, 'load-ok.cjs'), { execArgv: ['--preserve_symlinks'], env });
  plain.on('message', (m) => { results['allowed package through its link, in a worker'] = m; });
  plain.on('exit', () => process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n'));
});
`;
const LOAD_LINK = String.raw`
const path = require('node:path');
let outcome;
try { outcome = { outcome: 'loaded', value: String(require(path.join(__dirname, 'node_modules/.bin/denied-cli'))) }; }
catch (e) { outcome = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
const { parentPort } = require('node:worker_threads');
if (parentPort) parentPort.postMessage(outcome); else process.stdout.write('OUTCOME ' + JSON.stringify(outcome) + '\n');
`;
const LOAD_OK = String.raw`
const path = require('node:path');
let outcome;
try { outcome = { outcome: 'loaded', value: String(require(path.join(__dirname, 'node_modules/.bin/ok-cli'))) }; }
catch (e) { outcome = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
require('node:worker_threads').parentPort.postMessage(outcome);
`;
const SPELLING_ROUTES = ['a child given --preserve_symlinks in NODE_OPTIONS', 'a worker given --preserve_symlinks'];

describe.each(LAUNCH_MODES)('modules loaded through links, --preserve_symlinks spelling (%s)', (mode) => {
  const dir = createProject({
    files: {
      'app.cjs': SPELLING_APP,
      'load-link.cjs': LOAD_LINK,
      'load-ok.cjs': LOAD_OK,
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
    timeoutMs: 60_000,
    policy: readOnlyPolicy(dir, [
      { id: 'no-pkg', action: 'module_load', target: 'denied-pkg', effect: 'deny' },
      { id: 'workers', action: 'worker_spawn', target: '**', effect: 'allow' },
      { id: 'node', action: 'process_spawn', target: '**', effect: 'allow' },
    ]),
  });
  const outcomes = routeResults<Record<string, Outcome>>(run);
  const entries = run.entries();
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(SPELLING_ROUTES)('%s is refused as module_load:denied-pkg', (label) => {
    expect(outcomes[label], JSON.stringify(outcomes)).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(outcomes[label].message).toContain('module_load:denied-pkg');
  });

  it('the denied package never ran, the refusals are logged, and an allowed package still loads through its link', () => {
    expect(run.stdout).not.toContain('LOADED:denied-pkg');
    const denials = entries.filter((e) => e.action === 'module_load' && e.target === 'denied-pkg' && e.decision === 'deny');
    expect(denials.length).toBeGreaterThanOrEqual(SPELLING_ROUTES.length);
    expect(outcomes['allowed package through its link, in a worker']).toEqual({ outcome: 'loaded', value: 'ok-pkg' });
  });
});
