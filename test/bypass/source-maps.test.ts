// With source maps or coverage on, Node reads the file a module's sourceMappingURL comment names with an fs
// function it captured before governance, and hands back its parsed JSON (module.findSourceMap().payload,
// and the coverage files): a read of any JSON file, such as a cloud credentials file. Under a production
// policy that denies reading secret/, each module naming it (relative, file: URL, block comment, ES module,
// module written after start) is refused and the secret never reaches the program; an allowed map still works.
// Code generated from a string (eval, new Function, eval inside a new vm context) names its map relative to its
// own sourceURL comment: refused the same way, with code_eval allowed.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const SECRET = 's3cr3t-token-value';

const APP = String.raw`
const fs = require('node:fs'), path = require('node:path'), { findSourceMap } = require('node:module');
if (typeof process.setSourceMapsEnabled === 'function') process.setSourceMapsEnabled(true);
const here = process.cwd();
const results = {};
function payloadOf(file) { const map = findSourceMap(file) ?? findSourceMap(require('node:url').pathToFileURL(file).href); return map ? JSON.stringify(map.payload) : null; }
const named = (name, map) => '\n//# sourceURL=' + path.join(here, 'gen', name + '.js') + '\n//# sourceMappingURL=' + map + '\n';
async function attempt(label, fn) {
  try { results[label] = { outcome: 'done', value: await fn() }; }
  catch (e) { results[label] = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
}
(async () => {
  await attempt('relative map URL', () => { require('./lib/relative.js'); return payloadOf(path.join(here, 'lib', 'relative.js')); });
  await attempt('file: map URL', () => { require('./lib/absolute.js'); return payloadOf(path.join(here, 'lib', 'absolute.js')); });
  await attempt('block comment', () => { require('./lib/block.js'); return payloadOf(path.join(here, 'lib', 'block.js')); });
  await attempt('ES module', async () => { await import('./lib/module.mjs'); return payloadOf(path.join(here, 'lib', 'module.mjs')); });
  await attempt('module written at run time', () => {
    const file = path.join(here, 'lib', 'late.js');
    fs.writeFileSync(file, 'module.exports = 1;\n//# sourceMappingURL=../secret/creds.json\n');
    require(file);
    return payloadOf(file);
  });
  await attempt('package map, node_modules maps off', () => {
    const m = require('node:module');
    if (typeof m.setSourceMapsSupport === 'function') m.setSourceMapsSupport(true, { nodeModules: false });
    require('pkg-off');
    return payloadOf(path.join(here, 'node_modules', 'pkg-off', 'index.js'));
  });
  await attempt('package map, node_modules maps switched on', () => {
    const m = require('node:module');
    if (typeof m.setSourceMapsSupport === 'function') m.setSourceMapsSupport(true, { nodeModules: true });
    require('pkg-on');
    return payloadOf(path.join(here, 'node_modules', 'pkg-on', 'index.js'));
  });
  await attempt('allowed map', () => { require('./lib/allowed.js'); return payloadOf(path.join(here, 'lib', 'allowed.js')); });
  await attempt('eval with its own sourceURL', () => { (0, eval)('1;' + named('eval', '../secret/creds.json')); return payloadOf(path.join(here, 'gen', 'eval.js')); });
  await attempt('new Function with its own sourceURL', () => { new Function('return 1;' + named('function', '/' + path.relative('/', here) + '/secret/creds.json'))(); return payloadOf(path.join(here, 'gen', 'function.js')); });
  await attempt('eval inside a new vm context', () => { require('node:vm').runInNewContext('eval(code)', { code: '1;' + named('context', '../secret/creds.json') }); return payloadOf(path.join(here, 'gen', 'context.js')); });
  await attempt('Function argument whose toString changes', () => {
    let calls = 0;
    const body = { toString: () => (calls++ === 0 ? 'return 1;' : 'return 2;' + named('shifty', '../secret/creds.json')) };
    return { result: new Function(body)(), calls, payload: payloadOf(path.join(here, 'gen', 'shifty.js')) };
  });
  await attempt('new Function under a poisoned Array.prototype index', () => {
    const code = 'return 1;' + named('poisoned', '../secret/creds.json'); // before the poison: it breaks path.join too
    Object.defineProperty(Array.prototype, '0', { configurable: true, set() {}, get: () => 'return 0;' });
    try { return new Function(code)(); } finally { delete Array.prototype[0]; }
  });
  await attempt('generated code, allowed map', () => { (0, eval)('1;' + named('allowed', '../lib/allowed.js.map')); return payloadOf(path.join(here, 'gen', 'allowed.js')); });
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
})();
`;

const FILES: Record<string, string> = {
  'app.cjs': APP,
  'secret/creds.json': JSON.stringify({ version: 3, sources: [], mappings: '', token: SECRET }),
  'lib/relative.js': 'module.exports = 1;\n//# sourceMappingURL=../secret/creds.json\n',
  'lib/absolute.js': 'module.exports = 1;\n//# sourceMappingURL=file://<dir>/secret/creds.json\n',
  'lib/block.js': 'module.exports = 1;\n/*# sourceMappingURL=../secret/creds.json */\n',
  'lib/module.mjs': 'export default 1;\n//# sourceMappingURL=../secret/creds.json\n',
  'node_modules/pkg-off/index.js': 'module.exports = 1;\n//# sourceMappingURL=../../secret/creds.json\n',
  'node_modules/pkg-on/index.js': 'module.exports = 1;\n//# sourceMappingURL=../../secret/creds.json\n',
  'lib/allowed.js': 'module.exports = 1;\n//# sourceMappingURL=allowed.js.map\n',
  'lib/allowed.js.map': JSON.stringify({ version: 3, sources: ['allowed.ts'], mappings: '', names: [] }),
};

interface Outcome {
  outcome: string;
  code?: string;
  message?: string;
  value?: unknown;
}

// Node 22+ reads no map under node_modules unless the program turns that on (module.setSourceMapsSupport), and
// governance then does not refuse the package; Node 20 reads them all.
const SKIPS_PACKAGE_MAPS = Number(process.versions.node.split('.')[0]) >= 22;
const DENIED = ['relative map URL', 'file: map URL', 'block comment', 'ES module', 'module written at run time', 'package map, node_modules maps switched on',
  'eval with its own sourceURL', 'new Function with its own sourceURL', 'eval inside a new vm context', 'new Function under a poisoned Array.prototype index',
  ...(SKIPS_PACKAGE_MAPS ? [] : ['package map, node_modules maps off'])];

describe.each(LAUNCH_MODES)('source map files under a production policy (%s)', (mode) => {
  const dir = createProject();
  const files = Object.fromEntries(Object.entries(FILES).map(([name, text]) => [name, text.replace('<dir>', dir)]));
  const coverage = join(dir, 'coverage');
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    files,
    // Coverage caches maps on every Node line, and writes them out at exit.
    env: { NODE_V8_COVERAGE: coverage },
    policy: {
      level: 'production',
      default: 'allow',
      rules: [{ id: 'no-secret', action: 'file_read', target: `${dir}/secret/**`, effect: 'deny' }],
    },
  });
  const outcomes = run.status === 0 ? routeResults<Record<string, Outcome>>(run) : {};
  const entries = run.entries();
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(DENIED)('%s: the module or code is refused and the secret is not read', (label) => {
    expect(outcomes[label], JSON.stringify(outcomes[label])).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(outcomes[label].message).toContain(`file_read:${dir}/secret/creds.json`);
  });

  it('every refusal is in the audit log, and the secret is nowhere in the output or the coverage files', () => {
    expect(entries.filter((e) => e.action === 'file_read' && e.target === `${dir}/secret/creds.json` && e.decision === 'deny').length).toBeGreaterThanOrEqual(DENIED.length);
    expect(run.stdout).not.toContain(SECRET);
    for (const name of readdirSync(coverage)) expect(readFileSync(join(coverage, name), 'utf8')).not.toContain(SECRET);
  });

  it.runIf(SKIPS_PACKAGE_MAPS)('a package whose map Node does not read loads, with no map and no refusal', () => {
    expect(outcomes['package map, node_modules maps off']).toEqual({ outcome: 'done', value: null });
  });

  it('a Function argument is converted once: the code checked is the code compiled', () => {
    expect(outcomes['Function argument whose toString changes']).toEqual({ outcome: 'done', value: { result: 1, calls: 1, payload: null } });
  });

  it('positive control: generated code with an allowed map runs and gets its map', () => {
    expect(outcomes['generated code, allowed map']).toMatchObject({ outcome: 'done' });
    expect(JSON.parse(outcomes['generated code, allowed map'].value as string)).toMatchObject({ sources: [expect.stringContaining('allowed.ts')] });
  });

  it('positive control: an allowed map file is read, recorded, and its map returned', () => {
    expect(outcomes['allowed map']).toMatchObject({ outcome: 'done' });
    expect(JSON.parse(outcomes['allowed map'].value as string)).toMatchObject({ sources: [expect.stringContaining('allowed.ts')] });
    expect(entries.some((e) => e.action === 'file_read' && e.target === `${dir}/lib/allowed.js.map` && e.decision === 'allow')).toBe(true);
  });
});
