// Governance's installed files are what every governed child (and every later run) starts with. A program whose
// rules let it write its project rewrote node_modules/@mltrainer/governance/dist/register.js, or a module of a
// package governance loads (picomatch), and its node child then ran ungoverned and wrote where the rules deny. They
// are now refused as runtime_bypass, and so is moving them (or a directory above them) out of the way. The package
// is copied into the project here, with its own copy of picomatch, so that a failing run writes only the copy.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, REPO_ROOT, removeProject } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const fs = require('node:fs'), path = require('node:path'), cp = require('node:child_process');
const here = process.cwd();
const pkg = path.join(here, 'node_modules', '@mltrainer', 'governance');
const results = {};
function attempt(label, fn) {
  try { results[label] = { outcome: 'done', value: fn() }; }
  catch (e) { results[label] = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
}
attempt('writeFileSync of the preload', () => fs.writeFileSync(path.join(pkg, 'dist', 'register.js'), '"use strict";'));
attempt('writeFileSync of a module of a package governance loads', () => fs.writeFileSync(path.join(pkg, 'node_modules', 'picomatch', 'index.js'), 'module.exports = () => () => false;'));
attempt('renameSync of the package away', () => fs.renameSync(path.join(here, 'node_modules', '@mltrainer'), path.join(here, 'moved')));
attempt('rmSync of node_modules', () => fs.rmSync(path.join(here, 'node_modules'), { recursive: true, force: true }));
attempt('a node child writing a denied file', () => {
  const r = cp.spawnSync(process.execPath, [path.join(here, 'writer.cjs'), path.join(here, 'denied', 'child.txt')], { encoding: 'utf8' });
  return r.status;
});
attempt('positive control: another package of node_modules is writable', () => { fs.mkdirSync(path.join(here, 'node_modules', 'mine')); fs.writeFileSync(path.join(here, 'node_modules', 'mine', 'index.js'), ''); return 'written'; });
process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
`;

/**
 * A real copy of the package in `dir` (dist, package.json), its dependencies linked, those named in `copied` copied:
 * in the package's own node_modules, or `hoisted` into the project's, as npm installs them.
 */
function copyPackage(dir: string, copied: readonly string[] = ['picomatch'], hoisted = false): string {
  const pkg = join(dir, 'node_modules', '@mltrainer', 'governance');
  const into = hoisted ? join(dir, 'node_modules') : join(pkg, 'node_modules');
  rmSync(pkg);
  mkdirSync(into, { recursive: true });
  cpSync(join(REPO_ROOT, 'dist'), join(pkg, 'dist'), { recursive: true });
  cpSync(join(REPO_ROOT, 'package.json'), join(pkg, 'package.json'));
  const deps = join(REPO_ROOT, 'node_modules');
  for (const name of readdirSync(deps)) {
    if (name.startsWith('.')) continue;
    if (copied.includes(name)) cpSync(join(deps, name), join(into, name), { recursive: true, dereference: true });
    else if (name.startsWith('@')) linkScope(join(deps, name), join(into, name), copied);
    else symlinkSync(join(deps, name), join(into, name));
  }
  return pkg;
}

/** A scope's packages linked one by one, those named in `copied` (`@scope/name`) copied. */
function linkScope(from: string, to: string, copied: readonly string[]): void {
  mkdirSync(to);
  const scope = from.slice(from.lastIndexOf('/') + 1);
  for (const name of readdirSync(from)) {
    if (copied.includes(`${scope}/${name}`)) cpSync(join(from, name), join(to, name), { recursive: true, dereference: true });
    else symlinkSync(join(from, name), join(to, name));
  }
}

type Outcome = { outcome: string; code?: string; message?: string; value?: unknown };

const REFUSED = ['writeFileSync of the preload', 'writeFileSync of a module of a package governance loads', 'renameSync of the package away', 'rmSync of node_modules'];

describe.each(LAUNCH_MODES)('governance\'s installed files (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'writer.cjs': 'require("node:fs").writeFileSync(process.argv[2], "x");\n', 'denied/.keep': '' } });
  const pkg = copyPackage(dir);
  const preload = readFileSync(join(pkg, 'dist', 'register.js'), 'utf8');
  const policy = {
    level: 'production',
    default: 'deny',
    rules: [
      { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
      { id: 'project', action: 'file_write', target: `${dir}/**`, effect: 'allow' },
      { id: 'no-denied', action: 'file_write', target: `${dir}/denied/**`, effect: 'deny' },
      { id: 'node', action: 'process_spawn', target: [process.execPath, 'node'], effect: 'allow' },
    ],
  };
  const run = governedRun({ dir, mode, entry: 'app.cjs', policy });
  const outcomes = run.status === 0 ? routeResults<Record<string, Outcome>>(run) : {};
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(REFUSED)('%s: refused as runtime_bypass and recorded', (label) => {
    expect(outcomes[label], JSON.stringify(outcomes[label])).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(outcomes[label].message).toContain('runtime_bypass');
  });

  it('the files are unchanged, the refusals are in the log', () => {
    expect(readFileSync(join(pkg, 'dist', 'register.js'), 'utf8')).toBe(preload);
    expect(readFileSync(join(pkg, 'node_modules', 'picomatch', 'index.js'), 'utf8')).not.toContain('() => false');
    expect(run.entries().filter((e) => e.decision === 'deny' && e.violation === 'runtime_bypass').length).toBeGreaterThanOrEqual(REFUSED.length);
  });

  it('the node child is governed: its write is refused and recorded', () => {
    expect(outcomes['a node child writing a denied file']).toEqual({ outcome: 'done', value: 1 });
    expect(existsSync(join(dir, 'denied', 'child.txt'))).toBe(false);
    expect(run.entries().some((e) => e.target === join(dir, 'denied', 'child.txt') && e.decision === 'deny')).toBe(true);
  });

  it('positive control: another package of node_modules can be written', () => {
    expect(outcomes['positive control: another package of node_modules is writable']).toEqual({ outcome: 'done', value: 'written' });
  });
});

// A package governance loads only later, and only through another: the static checker (`mltrainer-governance check`,
// the load-time checker's thread) loads babel, and @babel/traverse loads `debug`. Until 2026-11-23 only the declared
// dependencies and what governance had loaded were protected: a program that could write its project rewrote `debug`,
// and the operator's next `mltrainer-governance check` ran that code, ungoverned (it wrote into a denied directory).
// Here the dependencies are installed beside the package, as npm hoists them; @babel/traverse and debug are copies,
// so that a failing run writes only the copies.
const PAYLOAD_APP = String.raw`
const fs = require('node:fs'), path = require('node:path');
const file = path.join(process.cwd(), 'node_modules', 'debug', 'src', 'index.js');
const payload = 'require("node:fs").writeFileSync(' + JSON.stringify(path.join(process.cwd(), 'denied', 'from-checker.txt')) + ', "x");\n';
let result;
try { fs.writeFileSync(file, payload + fs.readFileSync(file, 'utf8')); result = { outcome: 'done' }; }
catch (e) { result = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
process.stdout.write('RESULTS ' + JSON.stringify({ payload: result }) + '\n');
`;

describe.each(LAUNCH_MODES)('a transitive dependency governance loads later (%s)', (mode) => {
  const dir = createProject({ files: { 'attack.cjs': PAYLOAD_APP, 'later.cjs': 'module.exports = 1;\n', 'denied/.keep': '' } });
  const pkg = copyPackage(dir, ['@babel/traverse', 'debug'], true);
  const debugMain = join(dir, 'node_modules', 'debug', 'src', 'index.js');
  const original = readFileSync(debugMain, 'utf8');
  const policy = {
    level: 'production',
    default: 'deny',
    rules: [
      { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
      { id: 'project', action: 'file_write', target: `${dir}/**`, effect: 'allow' },
    ],
  };
  const attack = governedRun({ dir, mode, entry: 'attack.cjs', policy });
  // The operator's static check, as in a pre-commit hook: not governed, and it loads babel.
  const check = spawnSync(process.execPath, [join(pkg, 'dist', 'src', 'cli', 'main.js'), 'check', 'later.cjs'], { cwd: dir, encoding: 'utf8' });
  afterAll(() => removeProject(dir));

  it('the write into the dependency is refused as runtime_bypass and recorded', () => {
    expect(attack.status, attack.stderr).toBe(0);
    const outcome = routeResults<{ payload: Outcome }>(attack).payload;
    expect(outcome, JSON.stringify(outcome)).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(outcome.message).toContain('runtime_bypass');
    expect(attack.entries().some((e) => e.decision === 'deny' && e.violation === 'runtime_bypass' && e.target === debugMain)).toBe(true);
  });

  it('the next static check ran the dependency as installed: nothing was written to denied/', () => {
    expect(check.status, check.stderr).toBe(0);
    expect(existsSync(join(dir, 'denied', 'from-checker.txt'))).toBe(false);
    expect(readFileSync(debugMain, 'utf8')).toBe(original);
  });
});
