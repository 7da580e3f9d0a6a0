// A port above 65535 handed to a raw handle: the native method reads a uint32 and libuv's htons keeps the low 16
// bits, so `port + 65536` reached `port` while the check saw `127.0.0.1:<port + 65536>`, which a rule on `*:<port>`
// does not name (a bypass of port deny rules until 2026-11-23, TCP connect and UDP send, every Node line). The
// port is now decided (and handed to libuv) as the socket gets it.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject } from '../helpers/governed-run';
import { printedResults } from '../helpers/route-results';

const APP = String.raw`
const net = require('node:net'), dgram = require('node:dgram');
const [deniedTcp, allowedTcp, deniedUdp] = process.argv.slice(2).map(Number);
const results = {};
// The request wrappers Node makes for its own connect and send, caught as Node gives them their callback.
const wraps = {};
Object.defineProperty(Object.prototype, 'oncomplete', { configurable: true, set(v) {
  wraps[this.constructor.name] = this.constructor;
  Object.defineProperty(this, 'oncomplete', { value: v, writable: true, configurable: true });
} });
const probe = new net.Socket(); probe.on('error', () => {}); probe.connect(allowedTcp, '127.0.0.1');
const TCP = probe._handle.constructor, tcpProto = Object.getPrototypeOf(probe._handle);
const udp = dgram.createSocket('udp4'); udp.on('error', () => {});
udp.send('probe', allowedTcp, '127.0.0.1', () => {});
function rawConnect(port) {
  return new Promise((resolve) => {
    const handle = new TCP(0), req = new wraps.TCPConnectWrap();
    req.oncomplete = (status) => { handle.close(); resolve('completed ' + status); };
    const code = tcpProto.connect.call(handle, req, '127.0.0.1', port);
    if (code !== 0) { handle.close(); resolve('returned ' + code); }
  });
}
setTimeout(async () => {
  delete Object.prototype.oncomplete; probe.destroy();
  results.tcp = await rawConnect(deniedTcp + 65536);
  results.tcpAllowed = await rawConnect(allowedTcp);
  const handle = udp[Object.getOwnPropertySymbols(udp).find((s) => s.description === 'state symbol')].handle;
  const req = new wraps.SendWrap(); req.oncomplete = () => {};
  results.udp = handle.send(req, [Buffer.from('leak')], 1, deniedUdp + 65536, '127.0.0.1', true);
  setTimeout(() => { udp.close(); process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n'); }, 300);
}, 100);
`;

const seen: string[] = [];
let deniedServer: Server;
let allowedServer: Server;
let udpServer: UdpSocket;
const ports = { deniedTcp: 0, allowedTcp: 0, deniedUdp: 0 };

function tcpServer(label: string): Promise<Server> {
  const server = createServer((socket) => {
    seen.push(label);
    socket.destroy();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

beforeAll(async () => {
  deniedServer = await tcpServer('denied tcp');
  allowedServer = await tcpServer('allowed tcp');
  udpServer = createSocket('udp4').on('message', () => seen.push('denied udp'));
  await new Promise<void>((resolve) => udpServer.bind(0, '127.0.0.1', resolve));
  ports.deniedTcp = (deniedServer.address() as { port: number }).port;
  ports.allowedTcp = (allowedServer.address() as { port: number }).port;
  ports.deniedUdp = udpServer.address().port;
});
afterAll(async () => {
  await new Promise((resolve) => deniedServer.close(resolve));
  await new Promise((resolve) => allowedServer.close(resolve));
  await new Promise<void>((resolve) => udpServer.close(() => resolve()));
});

describe.each(LAUNCH_MODES)('raw handles given a port above 65535 (%s)', (mode) => {
  it('meet the rule on the port the socket gets', async () => {
    const dir = createProject({ files: { 'app.cjs': APP } });
    seen.length = 0;
    try {
      const run = governedRun({
        dir, mode, entry: 'app.cjs', args: [String(ports.deniedTcp), String(ports.allowedTcp), String(ports.deniedUdp)],
        policy: {
          level: 'production', default: 'allow',
          rules: [{ id: 'no-db', action: ['net_connect', 'net_listen'], target: [`*:${ports.deniedTcp}`, `*:${ports.deniedUdp}`], effect: 'deny' }],
        },
      });
      const results = printedResults<Record<string, string | number>>(run);
      expect(results.tcp, run.stderr).toMatch(/^returned -\d+$/);
      expect(results.udp).not.toBe(0);
      expect(results.tcpAllowed).toBe('completed 0');
      await new Promise((resolve) => setTimeout(resolve, 300)); // the servers accept once the run is over
      expect(seen).toContain('allowed tcp');
      expect(seen).not.toContain('denied tcp');
      expect(seen).not.toContain('denied udp');
      const denied = run.entries().filter((e) => e.action === 'net_connect' && e.decision === 'deny').map((e) => e.target);
      expect(denied).toContain(`127.0.0.1:${ports.deniedTcp}`);
      expect(denied).toContain(`127.0.0.1:${ports.deniedUdp}`);
    } finally {
      removeProject(dir);
    }
  });
});

// A resolver's servers given to the c-ares channel directly: the port reaches c-ares as ToInt32 and the socket as
// its low 16 bits, so `port + 65536` (and on Node 20/22 an object or a string) queried a server whose address and
// port a rule denies (until 2026-11-23).
const DNS_APP = String.raw`
const dns = require('node:dns');
const [deniedPort, allowedPort] = process.argv.slice(2).map(Number);
const results = {};
function query(label, port) {
  const resolver = new dns.Resolver({ timeout: 300, tries: 1 });
  try { resolver._handle.setServers([[4, '127.0.0.1', port]]); } catch (e) { results[label] = 'threw ' + e.code; return Promise.resolve(); }
  return new Promise((resolve) => resolver.resolve4(label + '.example', (e) => { results[label] = e ? e.code : 'answered'; resolve(); }));
}
(async () => {
  await query('big', deniedPort + 65536);
  await query('allowed', allowedPort);
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
})();
`;

const questions: string[] = [];
let deniedDns: UdpSocket;
let allowedDns: UdpSocket;
function dnsServer(): Promise<UdpSocket> {
  const server = createSocket('udp4').on('message', (message: Buffer) => {
    const labels: string[] = [];
    for (let at = 12; at < message.length && message[at] !== 0; at += 1 + message[at]) labels.push(message.subarray(at + 1, at + 1 + message[at]).toString());
    questions.push(labels.join('.'));
  });
  return new Promise((resolve) => server.bind(0, '127.0.0.1', () => resolve(server)));
}
beforeAll(async () => {
  deniedDns = await dnsServer();
  allowedDns = await dnsServer();
});
afterAll(async () => {
  await new Promise<void>((resolve) => deniedDns.close(() => resolve()));
  await new Promise<void>((resolve) => allowedDns.close(() => resolve()));
});

describe.each(LAUNCH_MODES)('resolver servers with a port above 65535 (%s)', (mode) => {
  it('meet the rule on the port the socket gets', async () => {
    const dir = createProject({ files: { 'app.cjs': DNS_APP } });
    questions.length = 0;
    const deniedPort = deniedDns.address().port;
    try {
      const run = governedRun({
        dir, mode, entry: 'app.cjs', args: [String(deniedPort), String(allowedDns.address().port)],
        policy: { level: 'production', default: 'allow', rules: [{ id: 'no-dns', action: 'net_connect', target: `127.0.0.1:${deniedPort}`, effect: 'deny' }] },
      });
      const results = printedResults<Record<string, string>>(run);
      expect(results.big, run.stderr).toBe('threw EGOVDENIED');
      await new Promise((resolve) => setTimeout(resolve, 300)); // the servers see the queries once the run is over
      expect(questions).toContain('allowed.example');
      expect(questions).not.toContain('big.example');
      const denied = run.entries().filter((e) => e.action === 'net_connect' && e.decision === 'deny').map((e) => e.target);
      expect(denied).toContain(`127.0.0.1:${deniedPort}`);
    } finally {
      removeProject(dir);
    }
  });
});
