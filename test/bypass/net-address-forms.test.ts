// A deny rule on an address holds whatever spelling of that address the program connects to: numeric forms
// the resolver turns into it (`2130706433`, `0x7f.1`, `127.1`) and its IPv4-mapped IPv6 form. The public layer
// allows those names (no rule names them), the handle layer then meets 127.0.0.1 and the deny rule wins.
// IPv6 literals in any spelling (a zone id, zeros written out, the mapped form in hex: `::ffff:7f00:1`) meet the
// rule on their one canonical spelling; until 2026-11-23 they passed rules on `127.0.0.1` and `[::1]`.
// The unspecified address is a spelling of this host for a connect (Linux routes `0.0.0.0` to 127.0.0.1 and `::`
// to ::1): `0.0.0.0`, `0`, `::ffff:0.0.0.0`, `::`, `0:0::0` passed the same rules until 2026-11-23.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject } from '../helpers/governed-run';
import { printedResults } from '../helpers/route-results';

const APP = String.raw`
const net = require('node:net');
const port = Number(process.argv[2]);
const results = {};
(async () => {
  const hosts = process.argv[3] === 'v6' ? ['::1', '::1%lo', '0:0:0:0:0:0:0:1', '0::1', '::0:1', '::', '0:0::0']
    : process.argv[3] === 'any' ? ['0.0.0.0']
    : ['127.0.0.1', '2130706433', '0x7f.1', '127.1', '::ffff:127.0.0.1', 'localhost', '::ffff:7f00:1', '0:0:0:0:0:ffff:127.0.0.1', '::ffff:127.0.0.1%lo', '0.0.0.0', '0', '::ffff:0.0.0.0', '0000:0000:0000:0000:0000:ffff:127.0.0.10%lo'];
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
      expect(Object.keys(results), run.stderr).toHaveLength(13);
      for (const [host, outcome] of Object.entries(results)) expect(['EGOVDENIED', 'EACCES'], `${host}: ${outcome}`).toContain(outcome);
      const denied = run.entries().filter((e) => e.action === 'net_connect' && e.decision === 'deny' && e.target === `127.0.0.1:${port}`);
      expect(denied.length).toBeGreaterThanOrEqual(12);
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
      expect(Object.keys(results), run.stderr).toHaveLength(7);
      for (const [host, outcome] of Object.entries(results)) expect(['EGOVDENIED', 'EACCES'], `${host}: ${outcome}`).toContain(outcome);
      const denied = run.entries().filter((e) => e.action === 'net_connect' && e.decision === 'deny' && e.target === `[::1]:${port6}`);
      expect(denied.length).toBeGreaterThanOrEqual(7);
    } finally {
      removeProject(dir);
    }
  });
});

describe.each(LAUNCH_MODES)('a connect to 0.0.0.0 where 127.0.0.1 is allowed (%s)', (mode) => {
  it('still connects, decided as the loopback address it reaches', () => {
    const dir = createProject({ files: { 'app.cjs': APP } });
    try {
      const run = governedRun({
        dir, mode, entry: 'app.cjs', args: [String(port), 'any'],
        policy: { level: 'production', default: 'deny', rules: [
          { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
          { id: 'loopback', action: 'net_connect', target: '127.0.0.1:*', effect: 'allow' },
        ] },
      });
      expect(printedResults<Record<string, string>>(run), run.stderr).toEqual({ '0.0.0.0': 'connected' });
      expect(run.entries().some((e) => e.action === 'net_connect' && e.decision === 'allow' && e.target === `127.0.0.1:${port}`)).toBe(true);
    } finally {
      removeProject(dir);
    }
  });
});

// A socket bound to a local address reaches that address when it connects or sends to the unspecified one.
const BOUND_APP = String.raw`
const net = require('node:net');
const dgram = require('node:dgram');
const [tcpPort, udpPort] = [Number(process.argv[2]), Number(process.argv[3])];
const results = {};
(async () => {
  results.tcp = await new Promise((resolve) => {
    const socket = net.connect({ host: '0.0.0.0', port: tcpPort, localAddress: '127.0.0.5' });
    socket.on('connect', () => { socket.destroy(); resolve('connected'); });
    socket.on('error', (e) => resolve(e.code));
  });
  results.udp = await new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.on('error', (e) => { socket.close(); resolve(e.code); });
    socket.bind(0, '127.0.0.5', () => socket.send('hi', udpPort, '0.0.0.0', (e) => { socket.close(); resolve(e ? e.code : 'sent'); }));
  });
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
})();
`;

let seen: string[] = [];
let server5: Server;
let udp5: UdpSocket;
let port5 = 0;
let udpPort5 = 0;
beforeAll(async () => {
  server5 = createServer((socket) => { seen.push('tcp'); socket.end('hi'); });
  await new Promise<void>((resolve) => server5.listen(0, '127.0.0.5', resolve));
  port5 = (server5.address() as { port: number }).port;
  udp5 = createSocket('udp4', () => seen.push('udp'));
  await new Promise<void>((resolve) => udp5.bind(0, '127.0.0.5', resolve));
  udpPort5 = udp5.address().port;
});
afterAll(async () => {
  udp5.close();
  await new Promise<void>((resolve) => server5.close(() => resolve()));
});

describe.each(LAUNCH_MODES)('a bound socket sending or connecting to 0.0.0.0 (%s)', (mode) => {
  it('is decided as the bound address it reaches', async () => {
    const dir = createProject({ files: { 'app.cjs': BOUND_APP } });
    try {
      seen = [];
      const run = governedRun({
        dir, mode, entry: 'app.cjs', args: [String(port5), String(udpPort5)],
        policy: { level: 'production', default: 'allow', rules: [{ id: 'no-five', action: 'net_connect', target: '127.0.0.5:*', effect: 'deny' }] },
      });
      const results = printedResults<Record<string, string>>(run);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(seen).toEqual([]);
      expect(results.tcp, run.stderr).toBe('EACCES');
      expect(['EACCES', 'EGOVDENIED']).toContain(results.udp);
      const denied = run.entries().filter((e) => e.action === 'net_connect' && e.decision === 'deny');
      expect(denied.map((e) => e.target)).toEqual(expect.arrayContaining([`127.0.0.5:${port5}`, `127.0.0.5:${udpPort5}`]));
    } finally {
      removeProject(dir);
    }
  });
});

// libuv's uv_ip6_addr cuts the zone id off whatever it holds and reads at most 39 characters before it; Node's isIP
// is stricter. A raw TCP handle's connect6 to `::1%lo/x` (a zone isIP refuses: the target was left as written) and
// to `<39 characters naming ::1>xyz%lo` reached ::1 past a deny rule on it until 2026-11-23; through net.connect,
// `0000:0000:0000:0000:0000:ffff:127.0.0.10%lo` (above) reached 127.0.0.1.
const RAW_APP = String.raw`
const net = require('node:net');
const port = Number(process.argv[2]);
const wraps = {};
Object.defineProperty(Object.prototype, 'oncomplete', { configurable: true, set(v) {
  wraps[this.constructor.name] = this.constructor;
  Object.defineProperty(this, 'oncomplete', { value: v, writable: true, configurable: true });
} });
const probe = new net.Socket(); probe.on('error', () => {}); probe.connect(9, '192.0.2.1');
const TCP = probe._handle.constructor, tcpProto = Object.getPrototypeOf(probe._handle);
function raw6(host) {
  return new Promise((resolve) => {
    const handle = new TCP(0), req = new wraps.TCPConnectWrap();
    req.oncomplete = (status) => { handle.close(); resolve(status === 0 ? 'connected' : 'failed ' + status); };
    const code = tcpProto.connect6.call(handle, req, host, port);
    if (code !== 0) { handle.close(); resolve('returned ' + code); }
  });
}
setTimeout(async () => {
  delete Object.prototype.oncomplete; probe.destroy();
  const results = {};
  for (const host of ['::1%lo/x', '0000:0000:0000:0000:0000:0000:0000:0001xyz%lo']) results[host] = await raw6(host);
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
}, 100);
`;

describe.each(LAUNCH_MODES)('a raw connect6 to [::1] with a zone id libuv cuts off (%s)', (mode) => {
  it('is refused as [::1], on the record', () => {
    const dir = createProject({ files: { 'app.cjs': RAW_APP } });
    try {
      const run = governedRun({
        dir, mode, entry: 'app.cjs', args: [String(port6)],
        policy: { level: 'production', default: 'allow', rules: [{ id: 'no-loopback6', action: 'net_connect', target: '[::1]:*', effect: 'deny' }] },
      });
      expect(printedResults<Record<string, string>>(run), run.stderr).toEqual({ '::1%lo/x': 'returned -13', '0000:0000:0000:0000:0000:0000:0000:0001xyz%lo': 'returned -13' });
      const denied = run.entries().filter((e) => e.action === 'net_connect' && e.decision === 'deny' && e.target === `[::1]:${port6}`);
      expect(denied.length).toBe(2);
    } finally {
      removeProject(dir);
    }
  });
});
