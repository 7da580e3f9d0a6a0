// A node child runs a string as its program: `node -e`/`--eval`, `-p`/`--print`, or a script piped to its stdin
// (`node -`, or `node` with stdin not a terminal). The child was governed, but the string was its entry point and
// never a `code_eval`: a program that could spawn node evaluated any string with `code_eval` denied (every line,
// every spawn route, shells included; until 2026-11-23). A node process a governed process started now decides its
// string program as `code_eval:node-flag:--eval`, `node-flag:--print` or `node-stdin` as it starts, and exits with
// code 78 when that is denied. The same for loader hooks of its own (`--experimental-loader`, `--loader`, also in
// NODE_OPTIONS), which hand Node generated source: `code_eval:module-compile`, as `module.register` is (every line but
// Node 20, where the child hung). Positive controls: a script file runs, and an allowed `-e` runs.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, readOnlyPolicy } from '../helpers/governed-run';
import { printedResults } from '../helpers/route-results';

const APP = String.raw`
const cp = require('node:child_process');
const path = require('node:path');
const node = process.execPath;
const touch = (name) => "require('fs').writeFileSync(" + JSON.stringify(path.resolve('ok', name)) + ", 'x')";
const results = {};
function run(label, args, options = {}) {
  const r = cp.spawnSync(args[0], args.slice(1), { encoding: 'utf8', ...options });
  results[label] = r.error ? r.error.code : r.status;
}
run('-e', [node, '-e', touch('e')]);
run('--eval=', [node, '--eval=' + touch('eval')]);
run('-p', [node, '-p', touch('p')]);
run('-pe', [node, '-pe', touch('pe')]);
run('--print', [node, '--print', touch('print')]);
run('stdin, node -', [node, '-'], { input: touch('dash') });
run('stdin, no script', [node], { input: touch('stdin') });
run('through a shell', ['/bin/sh', '-c', '"' + node + '" -e "$CODE"'], { env: { ...process.env, CODE: touch('shell') } });
run('fork execArgv', [node, path.resolve('forker.cjs')], { env: { ...process.env, CODE: touch('fork') } });
// Loader hooks of the child's own, which hand Node generated source for its script.
run('--experimental-loader', [node, '--experimental-loader', './hooks.mjs', './target.cjs']);
run('--loader= in NODE_OPTIONS', [node, './target.cjs'], { env: { ...process.env, NODE_OPTIONS: (process.env.NODE_OPTIONS || '') + ' --loader=./hooks.mjs' } });
// Positive control: a script file.
run('script file', [node, path.resolve('child.cjs')]);
process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
`;

// A script child that forks with the string in execArgv, and exits with its fork's code.
const FORKER = "require('child_process').fork(__filename + '.none', [], { execArgv: ['-e', process.env.CODE] }).on('exit', (code) => process.exit(code));\n";

const HOOKS = String.raw`
export async function load(url, context, next) {
  if (url.endsWith('target.cjs')) return { format: 'commonjs', source: "require('fs').writeFileSync(require('path').resolve('ok', 'generated'), 'x')", shortCircuit: true };
  return next(url, context);
}
`;

const STRING_ROUTES: Record<string, string> = {
  '-e': 'e', '--eval=': 'eval', '-p': 'p', '-pe': 'pe', '--print': 'print', 'stdin, node -': 'dash', 'stdin, no script': 'stdin', 'through a shell': 'shell',
};

describe.each(LAUNCH_MODES)('string programs of node children, code_eval denied (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'forker.cjs': FORKER, 'hooks.mjs': HOOKS, 'target.cjs': '', 'child.cjs': "require('fs').writeFileSync(require('path').join(__dirname, 'ok', 'file'), 'x');\n", 'ok/.keep': '' } });
  const run = governedRun({
    dir, mode, entry: 'app.cjs', timeoutMs: 60_000,
    policy: readOnlyPolicy(dir, [
      { id: 'node', action: 'process_spawn', target: '**', effect: 'allow' },
      { id: 'ok', action: 'file_write', target: `${dir}/ok/**`, effect: 'allow' },
    ]),
  });
  const results = printedResults<Record<string, unknown>>(run);

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(Object.entries(STRING_ROUTES))('%s: the child refuses to start, and the string never ran', (label, name) => {
    expect(results[label], JSON.stringify(results)).toBe(78);
    expect(existsSync(join(dir, 'ok', name))).toBe(false);
  });

  it('a string handed to a fork in its execArgv is refused too', () => {
    expect(results['fork execArgv']).toBe(78);
    expect(existsSync(join(dir, 'ok', 'fork'))).toBe(false);
  });

  it.each(['--experimental-loader', '--loader= in NODE_OPTIONS'])('loader hooks of its own (%s): the child refuses to start, no generated source ran', (label) => {
    expect(results[label], JSON.stringify(results)).toBe(78);
    expect(existsSync(join(dir, 'ok', 'generated'))).toBe(false);
  });

  it('each refusal is in the audit log', () => {
    const targets = run.entries().filter((e) => e.action === 'code_eval' && e.decision === 'deny').map((e) => e.target);
    expect(targets.filter((t) => t === 'node-flag:--eval').length).toBeGreaterThanOrEqual(4);
    expect(targets.filter((t) => t === 'node-flag:--print').length).toBeGreaterThanOrEqual(3);
    expect(targets.filter((t) => t === 'node-stdin').length).toBeGreaterThanOrEqual(2);
    expect(targets.filter((t) => t === 'module-compile').length).toBeGreaterThanOrEqual(2);
  });

  it('positive control: a script file runs', () => {
    expect(results['script file']).toBe(0);
    expect(existsSync(join(dir, 'ok', 'file'))).toBe(true);
  });
});

describe('an allowed string program', () => {
  it('runs, and is on the record as allowed', () => {
    const dir = createProject({ files: { 'app.cjs': APP, 'forker.cjs': FORKER, 'child.cjs': '', 'ok/.keep': '' } });
    const run = governedRun({
      dir, mode: 'require', entry: 'app.cjs', timeoutMs: 60_000,
      policy: readOnlyPolicy(dir, [
        { id: 'node', action: 'process_spawn', target: '**', effect: 'allow' },
        { id: 'ok', action: 'file_write', target: `${dir}/ok/**`, effect: 'allow' },
        { id: 'eval-flag', action: 'code_eval', target: 'node-flag:--eval', effect: 'allow' },
      ]),
    });
    const results = printedResults<Record<string, unknown>>(run);
    expect(results['-e'], run.stderr).toBe(0);
    expect(existsSync(join(dir, 'ok', 'e'))).toBe(true);
    expect(results['-p']).toBe(78);
    expect(run.entries().some((e) => e.action === 'code_eval' && e.target === 'node-flag:--eval' && e.decision === 'allow')).toBe(true);
  });
});
