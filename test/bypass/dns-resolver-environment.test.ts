// The system resolver steered through process.env. glibc's getaddrinfo reads HOSTALIASES (a file mapping a name
// without dots to any other name, which it then queries instead), LOCALDOMAIN and RES_OPTIONS from the environment as
// it looks a name up. A program allowed to query and connect to `db` (a compose-style service name) set
// `process.env.HOSTALIASES` to a file of its own saying `db registry.npmjs.org`: `dns.lookup('db')`, a connect to
// `db`, a governed node child and a worker then queried a name no rule allows and were handed its address, which the
// connect was granted (every line, until 2026-11-23). Under a production policy, in the three launch modes, each must
// be refused as a runtime_bypass and logged; positive control: the same lookup before the change reaches the resolver.
// Needs a DNS server that answers registry.npmjs.org (the registry the project installs from); skipped without one.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createProject, describeEachModeIf, governedRun, readOnlyPolicy, removeProject } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const cp = require('node:child_process'), dns = require('node:dns'), net = require('node:net'), path = require('node:path');
const { Worker } = require('node:worker_threads');
const results = {};
const outcome = (error, address) => (error ? { error: error.code, violation: error.violation } : { address });
const lookup = (name) => new Promise((resolve) => dns.lookup(name, (error, address) => resolve(outcome(error, address))));
(async () => {
  results.before = await lookup('db');
  process.env.HOSTALIASES = path.join(process.cwd(), 'aliases');
  results.lookup = await lookup('db');
  results.promises = await dns.promises.lookup('db').then((r) => ({ address: r.address }), (e) => outcome(e));
  results.connect = await new Promise((resolve) => {
    const socket = net.connect({ host: 'db', port: 9 });
    socket.on('lookup', (error, address) => { socket.destroy(); resolve(outcome(error, address)); });
    socket.on('error', (error) => resolve(outcome(error)));
  });
  const child = cp.spawnSync(process.execPath, ['lookup.cjs'], { encoding: 'utf8' });
  results.child = child.error ? outcome(child.error) : { address: child.stdout.trim() };
  try {
    const worker = new Worker('./lookup.cjs', { stdout: true });
    let out = '';
    worker.stdout.on('data', (chunk) => { out += chunk; });
    await new Promise((resolve) => worker.on('exit', resolve));
    results.worker = { address: out.trim() };
  } catch (error) { results.worker = outcome(error); }
  console.log('RESULTS ' + JSON.stringify(results));
})();
`;

const LOOKUP = "require('node:dns').lookup('db', (error, address) => process.stdout.write(error ? 'error ' + error.code : address));\n";

const STEERED = ['lookup', 'promises', 'connect', 'child', 'worker'];

const HAS_DNS = spawnSync('getent', ['ahosts', 'registry.npmjs.org'], { timeout: 10_000 }).status === 0;

describeEachModeIf(HAS_DNS, 'the resolver steered through process.env, production policy (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'lookup.cjs': LOOKUP, aliases: 'db registry.npmjs.org\n' } });
  afterAll(() => removeProject(dir));
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    policy: readOnlyPolicy(dir, [
      { id: 'db', action: 'net_connect', target: ['dns:db', 'db:*'], effect: 'allow' },
      { id: 'node', action: 'process_spawn', target: process.execPath, effect: 'allow' },
      { id: 'worker', action: 'worker_spawn', target: join(dir, 'lookup.cjs'), effect: 'allow' },
    ]),
  });
  const results = routeResults<Record<string, { address?: string; error?: string; violation?: string }>>(run);

  it('ran to completion; before the change the lookup reached the resolver (positive control)', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(results.before.error, JSON.stringify(results.before)).not.toBe('EGOVDENIED');
  });

  it.each(STEERED)('%s: refused as runtime_bypass, no address of the aliased name', (label) => {
    expect(results[label], JSON.stringify(results)).toMatchObject({ error: 'EGOVDENIED', violation: 'runtime_bypass' });
  });

  it('the refusals are in the log', () => {
    const refused = run.entries().filter((e) => e.decision === 'deny' && e.violation === 'runtime_bypass');
    expect(refused.filter((e) => e.target === 'dns:db').length, JSON.stringify(refused)).toBe(3);
    expect(refused.some((e) => e.action === 'net_connect' && e.target === 'resolver:HOSTALIASES')).toBe(true);
    expect(refused.some((e) => e.action === 'worker_spawn' && e.target === join(dir, 'lookup.cjs'))).toBe(true);
  });
});
