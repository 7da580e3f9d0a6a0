// A deny rule on an address holds whatever spelling of that address the program connects to: numeric forms
// the resolver turns into it (`2130706433`, `0x7f.1`, `127.1`) and its IPv4-mapped IPv6 form. The public layer
// allows those names (no rule names them), the handle layer then meets 127.0.0.1 and the deny rule wins.
// IPv6 literals in any spelling (a zone id, zeros written out, the mapped form in hex: `::ffff:7f00:1`) meet the
// rule on their one canonical spelling; until 2026-11-23 they passed rules on `127.0.0.1` and `[::1]`.
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject } from '../helpers/governed-run';
import { printedResults } from '../helpers/route-results';

const APP = String.raw`
const net = require('node:net');
const port = Number(process.argv[2]);
const results = {};
(async () => {
  const hosts = process.argv[3] === 'v6' ? ['::1', '::1%lo', '0:0:0:0:0:0:0:1', '0::1', '::0:1']
    : ['127.0.0.1', '2130706433', '0x7f.1', '127.1', '::ffff:127.0.0.1', 'localhost', '::ffff:7f00:1', '0:0:0:0:0:ffff:127.0.0.1', '::ffff:127.0.0.1%lo'];
  for (const host of hosts) {
    results[host] = await new Promise((resolve) => {
      const socket = net.connect({ host, port });
      socket.on('connect', () => { socket.destroy(); resolve('connected'); });
      socket.on('error', (e) => resolve(e.code));
    });
  }
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
})();
`;

let server: Server;
let port = 0;
beforeAll(async () => {
  server = createServer((socket) => socket.end('hi'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe.each(LAUNCH_MODES)('a deny rule on an address, other spellings of it (%s)', (mode) => {
  it('refuses every spelling, and the refusals are in the log', () => {
    const dir = createProject({ files: { 'app.cjs': APP } });
    try {
      const run = governedRun({
        dir, mode, entry: 'app.cjs', args: [String(port)],
        policy: { level: 'production', default: 'allow', rules: [{ id: 'no-loopback', action: 'net_connect', target: ['127.0.0.1:*', 'localhost:*'], effect: 'deny' }] },
      });
      const results = printedResults<Record<string, string>>(run);
      expect(Object.keys(results), run.stderr).toHaveLength(9);
      for (const [host, outcome] of Object.entries(results)) expect(['EGOVDENIED', 'EACCES'], `${host}: ${outcome}`).toContain(outcome);
      const denied = run.entries().filter((e) => e.action === 'net_connect' && e.decision === 'deny' && e.target === `127.0.0.1:${port}`);
      expect(denied.length).toBeGreaterThanOrEqual(8);
    } finally {
      removeProject(dir);
    }
  });
});

let server6: Server;
let port6 = 0;
beforeAll(async () => {
  server6 = createServer((socket) => socket.end('hi'));
  await new Promise<void>((resolve) => server6.listen(0, '::1', resolve));
  port6 = (server6.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((resolve) => server6.close(() => resolve())));

describe.each(LAUNCH_MODES)('a deny rule on [::1], other spellings of it (%s)', (mode) => {
  it('refuses every spelling, and the refusals are in the log', () => {
    const dir = createProject({ files: { 'app.cjs': APP } });
    try {
      const run = governedRun({
        dir, mode, entry: 'app.cjs', args: [String(port6), 'v6'],
        policy: { level: 'production', default: 'allow', rules: [{ id: 'no-loopback6', action: 'net_connect', target: '[::1]:*', effect: 'deny' }] },
      });
      const results = printedResults<Record<string, string>>(run);
      expect(Object.keys(results), run.stderr).toHaveLength(5);
      for (const [host, outcome] of Object.entries(results)) expect(['EGOVDENIED', 'EACCES'], `${host}: ${outcome}`).toContain(outcome);
      const denied = run.entries().filter((e) => e.action === 'net_connect' && e.decision === 'deny' && e.target === `[::1]:${port6}`);
      expect(denied.length).toBeGreaterThanOrEqual(5);
    } finally {
      removeProject(dir);
    }
  });
});
