// ShadowRealm (Node's `--experimental-shadow-realm`, on every line) under a production policy, in the three launch
// modes. A realm has its own eval and Function family, and the modules it imports (`importValue`, an `import()` in
// realm code) load in Node's internals past the module hooks: a module_load deny rule, a file_read deny rule on a
// JSON import and a `data:` URL were never decided there (a bypass until 2026-11-23). Creating a realm is refused
// as runtime_bypass at staging and production: each attempt must be refused, the denied module's text, the
// secret and the evaluation token must be absent from the output, and the refusal must be in the audit log.
// A new vm context has a ShadowRealm of its own (the policy allows code_eval:vm): refused the same way.
// Positive controls: eval the policy allows still works beside the refusals, and at development level a realm
// works (the host program is not broken) while its evaluate and importValue are recorded.
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const FLAGS = ['--experimental-shadow-realm'];

const FILES: Record<string, string> = {
  'denied/d.mjs': 'export const v = "DENIED-MODULE-" + "LOADED";\n',
  'secret/s.json': '{ "key": "TOP-SECRET-VALUE" }\n',
  'reader.mjs': 'import s from "./secret/s.json" with { type: "json" };\nexport const v = JSON.stringify(s);\n',
  'plain.mjs': 'export const v = 6 * 7;\n',
  'app.js': String.raw`
const path = require('node:path');
const results = {};
const token = (label) => "'EVALUATED:" + label + "'";
async function attempt(label, fn) {
  try { const value = await fn(label); results[label] = { outcome: 'ran', value: String(value) }; }
  catch (e) { results[label] = { outcome: 'thrown', code: e && e.code, name: e && e.name, message: String(e && e.message) }; }
}
const denied = path.join(process.cwd(), 'denied', 'd.mjs');
const reader = path.join(process.cwd(), 'reader.mjs');
(async () => {
  await attempt('allowed eval (control)', () => eval('6 * 7'));
  await attempt('new ShadowRealm', () => new ShadowRealm());
  await attempt('Reflect.construct(ShadowRealm)', () => Reflect.construct(ShadowRealm, []));
  await attempt('subclass of ShadowRealm', () => { class R extends ShadowRealm {} return new R(); });
  await attempt('ShadowRealm.prototype.constructor', () => new ShadowRealm.prototype.constructor());
  await attempt('importValue of a denied module', async () => await new ShadowRealm().importValue(denied, 'v'));
  await attempt('importValue of a JSON file read denies', async () => await new ShadowRealm().importValue(reader, 'v'));
  await attempt('import() of a denied module in realm code', () => new Promise((resolve, reject) => {
    new ShadowRealm().evaluate('(ok, ko, p) => { import(p).then((m) => ok(m.v), (e) => ko(String(e))); }')(resolve, (e) => reject(new Error(e)), denied);
  }));
  await attempt('import() of a data: URL in realm code', (l) => new Promise((resolve, reject) => {
    const url = 'data:text/javascript,export const v = ' + encodeURIComponent(token(l));
    new ShadowRealm().evaluate('(ok, ko, u) => { import(u).then((m) => ok(m.v), (e) => ko(String(e))); }')(resolve, (e) => reject(new Error(e)), url);
  }));
  await attempt('ShadowRealm in a new vm context', () => require('node:vm').runInNewContext('new ShadowRealm()'));
  await attempt('importValue from a vm context', async () => await require('node:vm').runInNewContext('new ShadowRealm().importValue(d, "v")', { d: denied }));
  await attempt('Function in a realm', (l) => new ShadowRealm().evaluate('Function(' + JSON.stringify('return ' + token(l)) + ')()'));
  console.log('RESULTS ' + JSON.stringify(results));
})();
`,
};

const POLICY = {
  level: 'production',
  default: 'deny',
  rules: [
    { id: 'no-denied-module', action: 'module_load', target: '**/denied/**', effect: 'deny' },
    { id: 'no-secret', action: ['file_read', 'module_load'], target: '**/secret/**', effect: 'deny' },
    { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
    { id: 'eval', action: 'code_eval', target: ['eval', 'vm'], effect: 'allow' },
  ],
};

const REFUSED = [
  'new ShadowRealm', 'Reflect.construct(ShadowRealm)', 'subclass of ShadowRealm', 'ShadowRealm.prototype.constructor',
  'importValue of a denied module', 'importValue of a JSON file read denies', 'import() of a denied module in realm code',
  'import() of a data: URL in realm code', 'Function in a realm', 'ShadowRealm in a new vm context',
  'importValue from a vm context',
];

interface Outcome { outcome: string; code?: string; value?: string; message?: string }

describe.each(LAUNCH_MODES)('ShadowRealm, production policy (%s)', (mode) => {
  const dir = createProject({ policy: POLICY, files: FILES });
  afterAll(() => removeProject(dir));
  const run = governedRun({ dir, entry: 'app.js', mode, nodeFlags: FLAGS });
  const results = (): Record<string, Outcome> => routeResults(run);

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it('leaks nothing: no denied module text, no secret, no evaluated token', () => {
    expect(run.stdout).not.toContain('DENIED-MODULE-LOADED');
    expect(run.stdout).not.toContain('TOP-SECRET-VALUE');
    expect(run.stdout).not.toContain('EVALUATED:');
  });

  it.each(REFUSED)('%s is refused with EGOVDENIED', (label) => {
    expect(results()[label], label).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
  });

  it('records each refusal as a runtime_bypass of code_eval:shadow-realm', () => {
    const refusals = run.entries().filter((e) => e.action === 'code_eval' && e.target === 'shadow-realm');
    expect(refusals.length).toBeGreaterThanOrEqual(REFUSED.length);
    for (const e of refusals) expect(e).toMatchObject({ decision: 'deny', violation: 'runtime_bypass', level: 'production' });
  });

  it('positive control: eval the policy allows still works', () => {
    expect(results()['allowed eval (control)']).toEqual({ outcome: 'ran', value: '42' });
  });
});

const DEV_APP = String.raw`
(async () => {
  const realm = new ShadowRealm();
  const sum = realm.evaluate('6 * 7');
  const v = await realm.importValue(require('node:path').join(process.cwd(), 'plain.mjs'), 'v');
  console.log('DEV-RESULT ' + sum + ' ' + v);
})();
`;

describe.each(LAUNCH_MODES)('ShadowRealm, development level (%s)', (mode) => {
  const dir = createProject({ policy: { ...POLICY, level: 'development' }, files: { ...FILES, 'dev.js': DEV_APP } });
  afterAll(() => removeProject(dir));
  const run = governedRun({ dir, entry: 'dev.js', mode, nodeFlags: FLAGS });

  it('positive control: a realm still works where governance never blocks', () => {
    expect(run.stdout, run.stderr).toContain('DEV-RESULT 42 42');
  });

  it('records the realm and its import as would_deny', () => {
    const entries = run.entries();
    expect(entries.some((e) => e.action === 'code_eval' && e.target === 'shadow-realm' && e.decision === 'would_deny')).toBe(true);
    expect(entries.some((e) => e.action === 'module_load' && e.target.startsWith('shadow-realm:') && e.decision === 'would_deny')).toBe(true);
    expect(entries.some((e) => e.action === 'code_eval' && e.target === 'eval' && e.decision === 'allow')).toBe(true);
  });
});
