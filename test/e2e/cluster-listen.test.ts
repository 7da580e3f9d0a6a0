// A cluster primary's round-robin handle tells its workers how their listen went by the error's `errno` alone. A
// listen governance refused in the primary carried none until 2026-11-23: the worker was told it listened (with a
// null address, nothing listening), and the primary crashed with a TypeError when that worker exited. The denial
// now carries libuv's EACCES, so the worker gets an EACCES error and the primary keeps running.
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject } from '../helpers/governed-run';

const APP = String.raw`
const cluster = require('node:cluster');
const net = require('node:net');
cluster.schedulingPolicy = cluster.SCHED_RR;
const port = Number(process.argv[2]);
if (cluster.isPrimary) {
  const worker = cluster.fork();
  worker.on('message', (m) => process.stdout.write('WORKER ' + JSON.stringify(m) + '\n'));
  worker.on('exit', () => setTimeout(() => process.stdout.write('PRIMARY ALIVE\n'), 100));
} else {
  const server = net.createServer();
  server.on('error', (e) => { process.send({ outcome: 'error', code: e.code }); setTimeout(() => process.exit(0), 50); });
  server.listen(port, () => { process.send({ outcome: 'listening', address: server.address() }); setTimeout(() => process.exit(0), 50); });
}
`;

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeProject));

describe.each(LAUNCH_MODES)('a round-robin cluster worker whose listen the primary was refused (%s)', (mode) => {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const dir = createProject({ files: { 'app.cjs': APP } });
  dirs.push(dir);
  const run = governedRun({
    dir, mode, entry: 'app.cjs', args: [String(port)],
    policy: { level: 'production', default: 'allow', rules: [{ id: 'no-port', action: 'net_listen', target: [`0.0.0.0:${port}`, `[::]:${port}`], effect: 'deny' }] },
  });

  it('gets an EACCES error, and the primary outlives it', () => {
    expect(run.stdout, run.stderr).toContain('WORKER {"outcome":"error","code":"EACCES"}');
    expect(run.stdout).toContain('PRIMARY ALIVE');
    expect(run.status, run.stderr).toBe(0);
  });

  it('the refusal is in the log', () => {
    const denied = run.entries().filter((e) => e.action === 'net_listen' && e.decision === 'deny' && e.ruleId === 'no-port');
    expect(denied.length).toBeGreaterThanOrEqual(1);
  });
});
