// A builtin Node loads by a name a resolution produced, under a production policy that denies
// `node:child_process`, in the three launch modes. Node's Module._load loads a builtin when the filename it
// resolved is a builtin's name, after the decision: a program resolver that answers an allowed file to the check
// and `child_process` to Node (its second call), a resolver swapped in from a `parent.path` getter that Node reads
// between the decision and its own resolution, and Node 24+'s `Module._load(request, parent, isMain, { resolved })`
// (no resolution at all) each handed the program the denied module with nothing in the audit log (Node 20-26).
// Each must be refused and logged as module_load:node:child_process; an allowed builtin and an allowed file
// still load, with one decision each.
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, readOnlyPolicy, removeProject } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const Module = require('node:module');
const path = require('node:path');
const results = {};
function attempt(label, fn) {
  try {
    const value = fn();
    results[label] = { outcome: 'loaded', value: value && typeof value.execSync === 'function' ? 'child_process' : String(value) };
  } catch (e) {
    results[label] = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) };
  }
}
const allowedFile = path.join(__dirname, 'ok.js');
const governedResolver = Module._resolveFilename;

attempt('a program resolver answering the check and Node differently', () => {
  let calls = 0;
  Module._resolveFilename = function (request) {
    if (request === 'innocent') return ++calls === 1 ? allowedFile : 'child_process';
    return governedResolver.apply(this, arguments);
  };
  try { return require('innocent'); } finally { Module._resolveFilename = governedResolver; }
});

attempt('a program resolver throwing to the check, a builtin to Node', () => {
  let calls = 0;
  Module._resolveFilename = function (request) {
    if (request === 'innocent2') { if (++calls === 1) throw Object.assign(new Error('not yet'), { code: 'MODULE_NOT_FOUND' }); return 'child_process'; }
    return governedResolver.apply(this, arguments);
  };
  try { return require('innocent2'); } finally { Module._resolveFilename = governedResolver; }
});

attempt('a resolver swapped in from a parent.path getter', () => {
  const parent = new Module(path.join(__dirname, 'fake.js'), null);
  parent.filename = path.join(__dirname, 'fake.js');
  parent.paths = module.paths;
  let reads = 0;
  Object.defineProperty(parent, 'path', { get() {
    if (++reads === 2) Module._resolveFilename = function () { Module._resolveFilename = governedResolver; return 'child_process'; };
    return __dirname;
  } });
  return Module._load('./ok.js', parent, false);
});

attempt('Module._load with a resolved option', () =>
  Module._load('./ok.js', module, false, { resolved: { url: 'node:child_process', filename: 'child_process', format: 'builtin' } }));

attempt('a planted require.cache entry under a builtin name', () => {
  require.cache.child_process = { loaded: true, exports: { execSync() {} } };
  return 'planted';
});

attempt('allowed builtin', () => require('node:path').sep + require('os').EOL.length);
attempt('allowed file', () => require('./ok.js'));
process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
`;

const ROUTES = [
  'a program resolver answering the check and Node differently',
  'a program resolver throwing to the check, a builtin to Node',
  'a resolver swapped in from a parent.path getter',
  'Module._load with a resolved option',
];

interface Outcome {
  outcome: string;
  code?: string;
  value?: string;
  message?: string;
}

describe.each(LAUNCH_MODES)('builtins loaded by a resolved name (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'ok.js': "module.exports = 'ok.js';\n" } });
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    policy: readOnlyPolicy(dir, [
      { id: 'no-cp', action: 'module_load', target: 'node:child_process', effect: 'deny' },
    ]),
  });
  const outcomes = routeResults<Record<string, Outcome>>(run);
  const entries = run.entries();
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(ROUTES)('%s: the denied builtin is not handed over, and the denial is logged', (label) => {
    const outcome = outcomes[label];
    expect(outcome, JSON.stringify(outcomes)).toBeDefined();
    expect(outcome.value).not.toBe('child_process');
    // Node 20 and 22 have no `resolved` option: they resolve './ok.js' and load the allowed file.
    if (label === 'Module._load with a resolved option' && outcome.outcome === 'loaded') {
      expect(outcome.value).toBe('ok.js');
      return;
    }
    expect(outcome).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(outcome.message).toContain('module_load:node:child_process');
  });

  it('every refusal is in the audit log', () => {
    const denials = entries.filter((e) => e.action === 'module_load' && e.target === 'node:child_process' && e.decision === 'deny');
    const refused = ROUTES.filter((label) => outcomes[label]?.outcome === 'thrown').length;
    expect(refused).toBeGreaterThanOrEqual(3);
    expect(denials.length).toBeGreaterThanOrEqual(refused);
  });

  it('positive controls: an allowed builtin and an allowed file load, each decided once', () => {
    expect(outcomes['allowed builtin']).toEqual({ outcome: 'loaded', value: '/1' });
    expect(outcomes['allowed file']).toEqual({ outcome: 'loaded', value: 'ok.js' });
    expect(outcomes['a planted require.cache entry under a builtin name']).toEqual({ outcome: 'loaded', value: 'planted' });
    expect(entries.filter((e) => e.action === 'module_load' && e.target === 'node:os')).toHaveLength(1);
  });
});
