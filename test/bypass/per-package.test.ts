// Per-package rules (`from`) under a production policy, with a real package from npm: zod 4 compiles a fast
// parser for each object schema with `new Function` when code generation is allowed. The policy allows
// code_eval only when zod is the caller and child_process only for one package; the application's own
// attempts are refused however it dresses them up (a spoofed Error.prepareStackTrace, a stack trace limit of
// 0, eval from a callback zod runs), and every decision names its caller in the audit log.
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, REPO_ROOT, removeProject } from '../helpers/governed-run';
import { printedResults } from '../helpers/route-results';

const APP = String.raw`
const { z } = require('zod');
const results = {};
function attempt(label, fn) {
  try { results[label] = { outcome: 'done', value: JSON.stringify(fn()) }; }
  catch (e) { results[label] = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
}
const person = z.object({ name: z.string(), age: z.number() });
attempt('zod compiles its object parser', () => [1, 2, 3].map((age) => person.parse({ name: 'a', age })));
attempt('application new Function', () => new Function('return "APP-EVAL-RAN"')());
attempt('application eval', () => (0, eval)('"APP-EVAL-RAN"'));
attempt('spoofed prepareStackTrace', () => {
  const saved = Error.prepareStackTrace;
  Error.prepareStackTrace = () => '    at parse (' + require.resolve('zod') + ':1:1)';
  try { return new Function('return "APP-EVAL-RAN"')(); } finally { Error.prepareStackTrace = saved; }
});
attempt('stack trace limit 0', () => {
  const saved = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try { return new Function('return "APP-EVAL-RAN"')(); } finally { Error.stackTraceLimit = saved; }
});
attempt('eval in a callback zod runs', () => z.string().transform(() => new Function('return "APP-EVAL-RAN"')()).parse('x'));
attempt('application child_process', () => typeof require('node:child_process').spawnSync);
attempt('package allowed child_process', () => require('runner-pkg'));
attempt('package allowed child_process again', () => require('runner-pkg/again.js'));
// Ways to pass the application's code off as runner-pkg's (each got child_process until 2026-11-22).
attempt('application file loaded as node_modules/runner-pkg/../../sneaky.cjs', () => {
  const Module = require('node:module');
  const file = __dirname + '/node_modules/runner-pkg/../../sneaky.cjs';
  const m = new Module(file, module);
  m.load(file);
  return m.exports;
});
attempt('application code written into a writable node_modules/runner-pkg', () => {
  const fs = require('node:fs');
  fs.mkdirSync(__dirname + '/tmp/node_modules/runner-pkg', { recursive: true });
  fs.writeFileSync(__dirname + '/tmp/node_modules/runner-pkg/x.js', "module.exports = typeof require('node:child_process').spawnSync;");
  return require('./tmp/node_modules/runner-pkg/x.js');
});
attempt('call site forged through Array.prototype[Symbol.iterator]', () => {
  const fake = { getFileName: () => require.resolve('runner-pkg'), getLineNumber: () => 1 };
  const iterator = Array.prototype[Symbol.iterator];
  Array.prototype[Symbol.iterator] = function () {
    return this.length > 0 && this[0] !== fake && typeof (this[0] && this[0].getFileName) === 'function' ? iterator.call([fake]) : iterator.call(this);
  };
  try { return typeof require('node:child_process').spawnSync; } finally { Array.prototype[Symbol.iterator] = iterator; }
});
process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
`;

const FILES: Record<string, string> = {
  'app.cjs': APP,
  'node_modules/runner-pkg/package.json': JSON.stringify({ name: 'runner-pkg', version: '1.0.0', main: 'index.js' }),
  'node_modules/runner-pkg/index.js': "module.exports = typeof require('node:child_process').spawnSync;\n",
  'node_modules/runner-pkg/again.js': "module.exports = typeof require('node:child_process').execFileSync;\n",
  'sneaky.cjs': "module.exports = typeof require('node:child_process').spawnSync;\n",
};

interface Outcome {
  outcome: string;
  code?: string;
  message?: string;
  value?: string;
}

const REFUSED_EVAL = ['application new Function', 'application eval', 'spoofed prepareStackTrace', 'stack trace limit 0', 'eval in a callback zod runs'];

describe.each(LAUNCH_MODES)('per-package rules with a real package (%s)', (mode) => {
  const dir = createProject({ files: FILES });
  // A copy, not a link: Node would resolve a link to governance's own node_modules, whose frames are governance's.
  cpSync(join(REPO_ROOT, 'node_modules', 'zod'), join(dir, 'node_modules', 'zod'), { recursive: true });
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    policy: {
      level: 'production',
      default: 'deny',
      rules: [
        { id: 'read', action: 'file_read', target: '**', effect: 'allow' },
        { id: 'packages', action: 'module_load', target: ['zod', 'runner-pkg', 'node:module', 'node:fs', `${dir}/**`], effect: 'allow' },
        { id: 'state', action: 'file_write', target: [`${dir}/.governance/**`, `${dir}/tmp`, `${dir}/tmp/**`], effect: 'allow' },
        { id: 'zod-jit', action: 'code_eval', target: 'function', from: ['zod'], effect: 'allow' },
        // A deny rule would win over the per-package allow: the default refuses everyone else.
        { id: 'runner-spawns', action: 'module_load', target: 'node:child_process', from: ['runner-pkg'], effect: 'allow' },
      ],
    },
  });
  const outcomes = printedResults<Record<string, Outcome>>(run);
  const entries = run.entries();
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it('positive control: zod parses with its compiled parser, each compile allowed and attributed to zod', () => {
    expect(outcomes['zod compiles its object parser']).toEqual({ outcome: 'done', value: JSON.stringify([1, 2, 3].map((age) => ({ name: 'a', age }))) });
    const allowed = entries.filter((e) => e.action === 'code_eval' && e.decision === 'allow');
    expect(allowed.length).toBeGreaterThan(0);
    for (const entry of allowed) {
      expect(entry.ruleId).toBe('zod-jit');
      expect(entry.caller).toMatch(new RegExp(`^${dir}/node_modules/zod/.+:\\d+$`));
    }
  });

  it.each(REFUSED_EVAL)('%s is refused, and recorded with the application as caller', (label) => {
    expect(outcomes[label], JSON.stringify(outcomes[label])).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(run.stdout).not.toContain('APP-EVAL-RAN');
  });

  it('the refusals name the application file as caller, never zod', () => {
    const denied = entries.filter((e) => e.action === 'code_eval' && e.decision === 'deny');
    expect(denied.length).toBeGreaterThanOrEqual(REFUSED_EVAL.length - 1); // stackTraceLimit 0 may leave no caller
    for (const entry of denied) if (entry.caller !== null) expect(entry.caller).toMatch(new RegExp(`^${dir}/app\\.cjs:\\d+$`));
  });

  it('child_process is refused to the application and allowed to the package the rule names, each load recorded with its caller', () => {
    expect(outcomes['application child_process']).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(outcomes['package allowed child_process']).toEqual({ outcome: 'done', value: '"function"' });
    expect(outcomes['package allowed child_process again']).toEqual({ outcome: 'done', value: '"function"' });
    const loads = entries.filter((e) => e.action === 'module_load' && e.target === 'node:child_process');
    expect(loads.map((e) => [e.decision, e.caller?.replace(dir, '<dir>').replace(/:\d+$/, '')])).toEqual([
      ['deny', '<dir>/app.cjs'],
      ['allow', '<dir>/node_modules/runner-pkg/index.js'],
      ['allow', '<dir>/node_modules/runner-pkg/again.js'],
      ['deny', '<dir>/sneaky.cjs'],
      ['deny', '<dir>/tmp/node_modules/runner-pkg/x.js'],
      ['deny', '<dir>/app.cjs'],
    ]);
  });

  it.each(['application file loaded as node_modules/runner-pkg/../../sneaky.cjs', 'application code written into a writable node_modules/runner-pkg', 'call site forged through Array.prototype[Symbol.iterator]'])('%s: refused; the package\'s rule is not borrowed', (label) => {
    expect(outcomes[label], JSON.stringify(outcomes[label])).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(outcomes[label].message).toContain('module_load:node:child_process');
  });
});
