// Governance's installed files are what every governed child (and every later run) starts with. A program whose
// rules let it write its project rewrote node_modules/@mltrainer/governance/dist/register.js, or a module of a
// package governance loads (picomatch), and its node child then ran ungoverned and wrote where the rules deny. They
// are now refused as runtime_bypass, and so is moving them (or a directory above them) out of the way. The package
// is copied into the project here, with its own copy of picomatch, so that a failing run writes only the copy.
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

/** A real copy of the package in `dir` (dist, package.json), its dependencies linked, picomatch copied. */
function copyPackage(dir: string): string {
  const pkg = join(dir, 'node_modules', '@mltrainer', 'governance');
  rmSync(pkg);
  mkdirSync(join(pkg, 'node_modules'), { recursive: true });
  cpSync(join(REPO_ROOT, 'dist'), join(pkg, 'dist'), { recursive: true });
  cpSync(join(REPO_ROOT, 'package.json'), join(pkg, 'package.json'));
  const deps = join(REPO_ROOT, 'node_modules');
  for (const name of readdirSync(deps)) {
    if (name === 'picomatch') cpSync(join(deps, name), join(pkg, 'node_modules', name), { recursive: true, dereference: true });
    else if (!name.startsWith('.')) symlinkSync(join(deps, name), join(pkg, 'node_modules', name));
  }
  return pkg;
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
