// Node's loaders read the module they load (a realpath while resolving, then the source), for require() and
// for import alike. Those reads are decided as file_read, so a deny rule on the file still refuses the load,
// but an allowed one is not recorded beside the module_load entry that stands for it. Everything else stays
// on the record: the program's own reads while a module loads (its code reading its own file, a getter that
// runs inside resolution, a realpath call that forges the mark Node's resolvers pass).
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, readOnlyPolicy, removeProject } from '../helpers/governed-run';
import { printedResults } from '../helpers/route-results';

const APP = String.raw`
const fs = require('node:fs'), path = require('node:path');
const here = process.cwd();
const results = {};
async function attempt(label, fn) {
  try { results[label] = { outcome: 'loaded', value: await fn() }; }
  catch (e) { results[label] = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
}
(async () => {
await attempt('tree', () => require('./lib/a.js'));
await attempt('ES module tree', async () => (await import('./lib/e1.mjs')).default);
await attempt('secret ES module', async () => (await import('./secret/m.mjs')).default);
await attempt('realpath with a forged resolver key', () => fs.realpathSync(path.join(here, 'probe.txt'), { [Symbol('realpathCacheKey')]: new Map() }));
await attempt('secret realpath with a forged resolver key', () => fs.realpathSync(path.join(here, 'secret', 'c.json'), { [Symbol('realpathCacheKey')]: new Map() }));
await attempt('secret json', () => require('./secret/c.json').k);
await attempt('secret module', () => require('./secret/m.js'));
await attempt('module reading its own file', () => require('./lib/self.js'));
const paths = module.paths;
Object.defineProperty(module, 'paths', { configurable: true, get() { fs.readFileSync(path.join(here, 'probe.txt')); return paths; } });
await attempt('read inside resolution', () => require('pkg'));
process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
})();
`;

const FILES: Record<string, string> = {
  'app.cjs': APP,
  'lib/a.js': "module.exports = require('./b.js') + 1;\n",
  'lib/b.js': 'module.exports = 1;\n',
  'lib/self.js': "module.exports = require('node:fs').readFileSync(__filename, 'utf8').length;\n",
  'lib/e1.mjs': "import two from './e2.mjs';\nexport default two + 1;\n",
  'lib/e2.mjs': 'export default 1;\n',
  'secret/m.mjs': "process.stdout.write('LOADED:secret\\n');\nexport default 1;\n",
  'secret/c.json': '{"k":1}\n',
  'secret/m.js': "process.stdout.write('LOADED:secret\\n'); module.exports = 1;\n",
  'probe.txt': 'probe\n',
  'node_modules/pkg/package.json': JSON.stringify({ name: 'pkg', version: '1.0.0', main: 'index.js' }),
  'node_modules/pkg/index.js': "module.exports = 'pkg';\n",
};

describe.each(LAUNCH_MODES)('the loader\'s own reads under a production policy (%s)', (mode) => {
  const dir = createProject({ files: FILES });
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    policy: readOnlyPolicy(dir, [
      { id: 'no-secret', action: 'file_read', target: `${dir}/secret/**`, effect: 'deny' },
    ]),
  });
  const outcomes = printedResults<Record<string, { outcome: string; code?: string; message?: string; value?: unknown }>>(run);
  const entries = run.entries();
  const recorded = (action: string, target: string, decision: string) =>
    entries.filter((e) => e.action === action && e.target === target && e.decision === decision).length;
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it('a loaded module is one module_load entry per require, with no file_read entries for the loader\'s reads', () => {
    expect(outcomes.tree).toEqual({ outcome: 'loaded', value: 2 });
    expect(recorded('module_load', `${dir}/lib/a.js`, 'allow')).toBe(1);
    expect(recorded('module_load', `${dir}/lib/b.js`, 'allow')).toBe(1);
    expect(recorded('file_read', `${dir}/lib/a.js`, 'allow')).toBe(0);
    expect(recorded('file_read', `${dir}/lib/b.js`, 'allow')).toBe(0);
  });

  it('an imported ES module is one module_load entry, and its source read is not recorded beside it', () => {
    expect(outcomes['ES module tree']).toEqual({ outcome: 'loaded', value: 2 });
    expect(recorded('module_load', `${dir}/lib/e1.mjs`, 'allow')).toBe(1);
    expect(recorded('module_load', `${dir}/lib/e2.mjs`, 'allow')).toBe(1);
    expect(recorded('file_read', `${dir}/lib/e1.mjs`, 'allow')).toBe(0);
    expect(recorded('file_read', `${dir}/lib/e2.mjs`, 'allow')).toBe(0);
  });

  it('a realpath that forges the mark of Node\'s resolvers is decided and recorded like any other', () => {
    expect(outcomes['realpath with a forged resolver key']).toEqual({ outcome: 'loaded', value: `${dir}/probe.txt` });
    expect(recorded('file_read', `${dir}/probe.txt`, 'allow')).toBeGreaterThan(0);
    expect(outcomes['secret realpath with a forged resolver key']).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
  });

  it.each([['secret json', 'c.json'], ['secret module', 'm.js'], ['secret ES module', 'm.mjs']])('a file_read deny rule still refuses require() of a file (%s)', (label, file) => {
    expect(outcomes[label]).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(outcomes[label].message).toContain(`file_read:${dir}/secret/${file}`);
    expect(recorded('file_read', `${dir}/secret/${file}`, 'deny')).toBeGreaterThan(0);
    expect(run.stdout).not.toContain('LOADED:secret');
  });

  it('a module\'s own code reading its file is recorded', () => {
    expect(outcomes['module reading its own file']).toMatchObject({ outcome: 'loaded' });
    expect(recorded('file_read', `${dir}/lib/self.js`, 'allow')).toBe(1);
  });

  it('a read made by program code that runs inside resolution is recorded', () => {
    expect(outcomes['read inside resolution']).toEqual({ outcome: 'loaded', value: 'pkg' });
    expect(recorded('file_read', `${dir}/probe.txt`, 'allow')).toBeGreaterThan(0);
    expect(recorded('module_load', 'pkg', 'allow')).toBe(1);
  });
});

// The loader's source read is decided even right after its realpath was allowed: a read that needs an approval
// scope must not pass on one its resolution had earlier (Node's path cache can skip the realpath next time).
const SCOPED_APP = String.raw`
const { withApprovedActions } = require('@mltrainer/governance');
const file = require('node:path').join(process.cwd(), 'approved', 'm.js');
const results = {};
function attempt(label, fn) {
  try { results[label] = { outcome: 'loaded', value: fn() }; }
  catch (e) { results[label] = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
}
attempt('inside the scope', () => withApprovedActions(['file_read:' + file], 'bob', () => require('./approved/m.js')));
delete require.cache[file];
attempt('outside the scope', () => require('./approved/m.js'));
process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
`;

describe.each(LAUNCH_MODES)('the loader\'s source read under an approval rule at staging (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': SCOPED_APP, 'approved/m.js': "module.exports = 'approved';\n" } });
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    policy: {
      level: 'staging',
      default: 'deny',
      rules: [
        { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
        { id: 'state', action: 'file_write', target: `${dir}/.governance/**`, effect: 'allow' },
        { id: 'approved', action: 'file_read', target: `${dir}/approved/**`, effect: 'approve' },
      ],
    },
  });
  const outcomes = printedResults<Record<string, { outcome: string; code?: string; message?: string; value?: unknown }>>(run);
  afterAll(() => removeProject(dir));

  it('loads the module inside the scope and refuses it outside, with Node\'s caches warm', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(outcomes['inside the scope']).toEqual({ outcome: 'loaded', value: 'approved' });
    expect(outcomes['outside the scope']).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(outcomes['outside the scope'].message).toContain(`file_read:${dir}/approved/m.js`);
    const refusals = run.entries().filter((e) => e.action === 'file_read' && e.target === `${dir}/approved/m.js` && e.decision === 'deny');
    expect(refusals.length).toBeGreaterThan(0);
  });
});
