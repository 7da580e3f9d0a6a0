// Network names as C reads them, up to a NUL. libuv's inet_pton and c-ares stop at the first NUL, so until
// 2026-11-23 `127.0.0.1\0x` handed to a raw TCP handle's connect or a UDP handle's send reached 127.0.0.1 past a
// deny rule on it, and a resolver query for `secret.internal\0x` sent `secret.internal` past a rule on
// `dns:secret.internal` (every Node line; Node 22+ reject the NUL in dns.lookup and net.connect themselves).
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject } from '../helpers/governed-run';
import { printedResults } from '../helpers/route-results';

const APP = String.raw`
const net = require('node:net'), dgram = require('node:dgram'), dns = require('node:dns');
const [deniedTcp, allowedTcp, deniedUdp, dnsPort] = process.argv.slice(2).map(Number);
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
function rawConnect(address, port) {
  return new Promise((resolve) => {
    const handle = new TCP(0), req = new wraps.TCPConnectWrap();
    req.oncomplete = (status) => { handle.close(); resolve('completed ' + status); };
    const code = tcpProto.connect.call(handle, req, address, port);
    if (code !== 0) { handle.close(); resolve('returned ' + code); }
  });
}
function query(name) {
  const resolver = new dns.Resolver({ timeout: 300, tries: 1 });
  resolver.setServers(['127.0.0.1:' + dnsPort]);
  return new Promise((resolve) => {
    try { resolver.resolve4(name, (e) => resolve(e ? e.code : 'answered')); } catch (e) { resolve('threw ' + e.code); }
  });
}
setTimeout(async () => {
  delete Object.prototype.oncomplete; probe.destroy();
  results.tcp = await rawConnect('127.0.0.1\0x', deniedTcp);
  results.tcpAllowed = await rawConnect('127.0.0.1', allowedTcp);
  const handle = udp[Object.getOwnPropertySymbols(udp).find((s) => s.description === 'state symbol')].handle;
  const req = new wraps.SendWrap(); req.oncomplete = () => {};
  results.udp = handle.send(req, [Buffer.from('leak')], 1, deniedUdp, '127.0.0.1\0x', true);
  results.dns = await query('secret.internal\0x');
  results.dnsAllowed = await query('open.internal');
  setTimeout(() => { udp.close(); process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n'); }, 300);
}, 100);
`;

const seen: string[] = [];
let deniedServer: Server;
let allowedServer: Server;
let udpServer: UdpSocket;
let dnsServer: UdpSocket;
const ports = { deniedTcp: 0, allowedTcp: 0, deniedUdp: 0, dns: 0 };

function tcpServer(label: string): Promise<Server> {
  const server = createServer((socket) => {
    seen.push(label);
    socket.destroy();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** A UDP server that records the name each DNS query asks about (and never answers). */
function questionName(message: Buffer): string {
  const labels: string[] = [];
  for (let at = 12; at < message.length && message[at] !== 0; at += 1 + message[at]) labels.push(message.subarray(at + 1, at + 1 + message[at]).toString());
  return labels.join('.');
}

beforeAll(async () => {
  deniedServer = await tcpServer('denied tcp');
  allowedServer = await tcpServer('allowed tcp');
  udpServer = createSocket('udp4').on('message', () => seen.push('denied udp'));
  await new Promise<void>((resolve) => udpServer.bind(0, '127.0.0.1', resolve));
  dnsServer = createSocket('udp4').on('message', (message) => seen.push(`query ${questionName(message)}`));
  await new Promise<void>((resolve) => dnsServer.bind(0, '127.0.0.1', resolve));
  ports.deniedTcp = (deniedServer.address() as { port: number }).port;
  ports.allowedTcp = (allowedServer.address() as { port: number }).port;
  ports.deniedUdp = udpServer.address().port;
  ports.dns = dnsServer.address().port;
});
afterAll(async () => {
  await new Promise((resolve) => deniedServer.close(resolve));
  await new Promise((resolve) => allowedServer.close(resolve));
  await new Promise<void>((resolve) => udpServer.close(() => resolve()));
  await new Promise<void>((resolve) => dnsServer.close(() => resolve()));
});

describe.each(LAUNCH_MODES)('network names with a NUL (%s)', (mode) => {
  it('are decided up to the NUL, as libuv and c-ares read them', async () => {
    const dir = createProject({ files: { 'app.cjs': APP } });
    seen.length = 0;
    try {
      const run = governedRun({
        dir, mode, entry: 'app.cjs', args: [String(ports.deniedTcp), String(ports.allowedTcp), String(ports.deniedUdp), String(ports.dns)],
        policy: {
          level: 'production', default: 'allow',
          rules: [{ id: 'deny', action: 'net_connect', target: [`127.0.0.1:${ports.deniedTcp}`, `127.0.0.1:${ports.deniedUdp}`, 'dns:secret.internal'], effect: 'deny' }],
        },
      });
      const results = printedResults<Record<string, string | number>>(run);
      expect(results.tcp, run.stderr).toMatch(/^returned -\d+$/);
      expect(results.udp).not.toBe(0);
      expect(results.dns).toBe('threw EGOVDENIED');
      expect(results.tcpAllowed).toBe('completed 0');
      await new Promise((resolve) => setTimeout(resolve, 300)); // the servers see the traffic once the run is over
      expect(seen).toContain('allowed tcp');
      expect(seen).toContain('query open.internal');
      expect(seen).not.toContain('denied tcp');
      expect(seen).not.toContain('denied udp');
      expect(seen).not.toContain('query secret.internal');
      const denied = run.entries().filter((e) => e.action === 'net_connect' && e.decision === 'deny').map((e) => e.target);
      expect(denied).toContain(`127.0.0.1:${ports.deniedTcp}`);
      expect(denied).toContain(`127.0.0.1:${ports.deniedUdp}`);
      expect(denied).toContain('dns:secret.internal');
    } finally {
      removeProject(dir);
    }
  });
});
