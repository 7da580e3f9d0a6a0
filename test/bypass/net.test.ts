// The network under a production policy, in the three launch modes: every route to a denied endpoint
// (net, tls, http, https, http2, fetch, WebSocket, dgram, unix sockets, raw libuv handles, a lying lookup) is
// refused, the refusal is in the audit log, and the recording servers on 127.0.0.1 / a temp unix
// socket saw nothing. Positive controls: the same process still reaches the allowed endpoint and
// serves on 127.0.0.1.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, readOnlyPolicy, removeProject, type GovernedRunResult } from '../helpers/governed-run';

const APP = String.raw`
const net = require('node:net'), http = require('node:http'), https = require('node:https'), tls = require('node:tls');
const http2 = require('node:http2'), dgram = require('node:dgram'), path = require('node:path');
const [deniedPort, allowedPort, udpPort, sockDir, wsPort, udpListenPort] = process.argv.slice(2);
const denied = +deniedPort, allowed = +allowedPort;
const results = {};

function settle(emitter, okEvent) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ outcome: 'timeout' }), 3000);
    emitter.on('error', (e) => { clearTimeout(timer); resolve({ outcome: 'error', code: (e.cause && e.cause.code) || e.code, message: String((e.cause && e.cause.message) || e.message) }); });
    emitter.on(okEvent, () => { clearTimeout(timer); resolve({ outcome: okEvent }); if (emitter.destroy) emitter.destroy(); else if (emitter.close) emitter.close(); });
  });
}

async function attempt(label, fn) {
  try { results[label] = await fn(); } catch (e) { results[label] = { outcome: 'thrown', code: (e.cause && e.cause.code) || e.code, message: String(e.message) }; }
}

(async () => {
  await attempt('net.connect', () => settle(net.connect(denied, '127.0.0.1'), 'connect'));
  await attempt('net.connect options', () => settle(net.connect({ port: denied, host: '127.0.0.1' }), 'connect'));
  await attempt('net.Socket#connect', () => settle(new net.Socket().connect(denied, '127.0.0.1'), 'connect'));
  await attempt('net.connect localhost', () => settle(net.connect(denied, 'localhost'), 'connect'));
  await attempt('net.connect ::1', () => settle(net.connect(denied, '::1'), 'connect'));
  await attempt('http.get', () => settle(http.get({ host: '127.0.0.1', port: denied }), 'response'));
  await attempt('https.get', () => settle(https.get({ host: '127.0.0.1', port: denied, rejectUnauthorized: false }), 'response'));
  await attempt('tls.connect', () => settle(tls.connect({ host: '127.0.0.1', port: denied, rejectUnauthorized: false }), 'secureConnect'));
  await attempt('http2.connect', () => { const session = http2.connect('http://127.0.0.1:' + denied); session.on('error', () => {}); const req = session.request({ ':path': '/' }); req.end(); return settle(req, 'response'); });
  await attempt('fetch', async () => { await fetch('http://127.0.0.1:' + denied + '/'); return { outcome: 'response' }; });
  // The global WebSocket (Node 22+; undici) reports a refused connection only as an 'error' event with no code.
  await attempt('WebSocket', () => typeof WebSocket !== 'function' ? { outcome: 'absent' } : new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ outcome: 'timeout' }), 3000);
    const ws = new WebSocket('ws://127.0.0.1:' + wsPort + '/');
    ws.onopen = () => { clearTimeout(timer); ws.close(); resolve({ outcome: 'open' }); };
    ws.onerror = () => { clearTimeout(timer); resolve({ outcome: 'error' }); };
  }));
  await attempt('lying lookup', () => settle(net.connect({ host: 'trusted.invalid', port: denied, lookup: (h, o, cb) => (o && o.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)) }), 'connect'));
  await attempt('raw TCP handle', () => {
    const probe = new net.Socket(); probe.on('error', () => {}); probe.connect(allowed, '127.0.0.1');
    const TCP = probe._handle.constructor; const proto = Object.getPrototypeOf(probe._handle); probe.destroy();
    const handle = new TCP(0);
    return { outcome: 'returned', code: proto.connect.call(handle, {}, '127.0.0.1', denied) };
  });
  // Raw handles convert a path or port argument themselves: one that converts to another value on a later read.
  await attempt('raw pipe bind with a path that converts twice', () => {
    const probe = new net.Socket(); probe.on('error', () => {}); probe.connect(path.join(sockDir, 'ok-absent.sock'));
    const Pipe = probe._handle.constructor; probe.destroy();
    let reads = 0;
    const handle = new Pipe(0);
    const code = handle.bind({ toString: () => path.join(sockDir, reads++ === 0 ? 'ok-bind.sock' : 'evil-bind.sock') });
    // libuv removes a bound socket's file when the handle closes: looked at while it is open.
    const made = ['ok-bind.sock', 'evil-bind.sock'].filter((name) => require('node:fs').existsSync(path.join(sockDir, name)));
    handle.close();
    return { outcome: 'returned', code, made };
  });
  await attempt('raw UDP bind with a port object', () => {
    const s = dgram.createSocket('udp4');
    const state = Object.getOwnPropertySymbols(s).map((key) => s[key]).find((value) => value && value.handle);
    const code = state.handle.bind('127.0.0.1', { valueOf: () => +udpListenPort }, 0);
    s.close();
    return { outcome: 'returned', code };
  });
  await attempt('redefine Socket#connect', () => { Object.defineProperty(net.Socket.prototype, 'connect', { value: function () { return this; } }); return { outcome: 'redefined' }; });
  await attempt('assign Socket#connect', () => { net.Socket.prototype.connect = function () { return this; }; return settle(net.connect(denied, '127.0.0.1'), 'connect'); });
  await attempt('udp send', () => new Promise((resolve) => { const s = dgram.createSocket('udp4'); s.send('exfil', +udpPort, '127.0.0.1', (e) => { s.close(); resolve(e ? { outcome: 'error', code: e.code, message: e.message } : { outcome: 'sent' }); }); }));
  await attempt('udp connect', () => new Promise((resolve) => { const s = dgram.createSocket('udp4'); s.on('error', (e) => { s.close(); resolve({ outcome: 'error', code: e.code, message: e.message }); }); s.connect(+udpPort, '127.0.0.1', (e) => { s.close(); resolve(e ? { outcome: 'error', code: e.code, message: e.message } : { outcome: 'connect' }); }); }));
  // udp6: Node gives the handle bind6/connect6/send6 under the IPv4 names (an assignment a locked slot refused, so no
  // udp6 socket could be made); each is decided like its IPv4 form, and no other function can take those names.
  await attempt('udp6 bind denied', () => new Promise((resolve) => {
    const s = dgram.createSocket('udp6');
    s.on('error', (e) => { s.close(); resolve({ outcome: 'error', code: e.code, message: e.message }); });
    s.bind(+udpListenPort, '::1', () => { s.close(); resolve({ outcome: 'listening' }); });
  }));
  await attempt('udp6 send', () => new Promise((resolve) => { const s = dgram.createSocket('udp6'); s.send('exfil', +udpPort, '::1', (e) => { s.close(); resolve(e ? { outcome: 'error', code: e.code, message: e.message } : { outcome: 'sent' }); }); }));
  await attempt('udp6 handle with bind reassigned', () => {
    const s = dgram.createSocket('udp6');
    const handle = Object.getOwnPropertySymbols(s).map((key) => s[key]).find((value) => value && value.handle).handle;
    const proto = Object.getPrototypeOf(handle);
    const own = function bind() { return 0; };
    const assigned = [Reflect.set(handle, 'bind', own), Reflect.set(handle, 'bind', proto.bind)];
    let setter = 'accepted';
    try { Object.getOwnPropertyDescriptor(proto, 'bind').set.call(handle, own); } catch (e) { setter = e.name; }
    const code = handle.bind('::1', +udpListenPort, 0);
    s.close();
    return { outcome: 'returned', code, assigned, setter };
  });
  await attempt('unix connect', () => settle(net.connect(path.join(sockDir, 'denied.sock')), 'connect'));
  await attempt('unix listen', () => settle(net.createServer().listen(path.join(sockDir, 'evil.sock')), 'listening'));
  await attempt('listen 0.0.0.0', () => settle(net.createServer().listen(0, '0.0.0.0'), 'listening'));
  await attempt('http listen ::', () => settle(http.createServer().listen(0, '::'), 'listening'));
  // Positive controls.
  await attempt('allowed net.connect', () => settle(net.connect(allowed, '127.0.0.1'), 'connect'));
  await attempt('allowed http server on 127.0.0.1', () => new Promise((resolve) => {
    const server = http.createServer((req, res) => res.end('ok')).listen(0, '127.0.0.1', () => {
      const port = server.address().port;
      const conn = net.connect(port, '127.0.0.1');
      conn.on('error', (e) => { server.close(); resolve({ outcome: 'error', code: e.code, message: e.message }); });
      conn.on('connect', () => { conn.destroy(); server.close(); resolve({ outcome: 'served' }); });
    });
  }));
  await attempt('allowed udp6 bind', () => new Promise((resolve) => {
    const probe = dgram.createSocket('udp6');
    probe.bind(0, '::1', () => {
      const port = probe.address().port;
      probe.close(() => {
        const s = dgram.createSocket('udp6');
        s.on('error', (e) => { s.close(); resolve({ outcome: 'error', code: e.code, message: e.message }); });
        s.bind(port, '::1', () => { const { family } = s.address(); s.close(); resolve({ outcome: 'listening', code: family, port }); });
      });
    });
  }));
  process.stdout.write(JSON.stringify(results) + '\n');
})();
`;

interface Outcome {
  outcome: string;
  code?: unknown;
  message?: string;
  port?: number;
}

const DENIED = [
  'net.connect', 'net.connect options', 'net.Socket#connect', 'net.connect localhost', 'http.get', 'https.get', 'tls.connect',
  'http2.connect', 'fetch', 'unix connect', 'unix listen', 'listen 0.0.0.0', 'http listen ::', 'assign Socket#connect',
];

/** dgram has no public layer: the handle refuses with EACCES, which dgram reports as its own error. */
const DENIED_AT_HANDLE = ['udp send', 'udp connect', 'lying lookup', 'udp6 bind denied', 'udp6 send'];

/** A UDP port nothing listens on now (bound and released). */
function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.on('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

class Recorder {
  tcp: Server[] = [];
  connections = new Map<string, number>();
  datagrams = 0;
  udp!: UdpSocket;

  async listen(key: string, address: string | { path: string }): Promise<number> {
    const server = createServer((socket) => {
      this.connections.set(key, (this.connections.get(key) ?? 0) + 1);
      socket.destroy();
    });
    this.tcp.push(server);
    await new Promise<void>((resolve) => (typeof address === 'string' ? server.listen(0, address, resolve) : server.listen(address.path, resolve)));
    const info = server.address();
    return typeof info === 'object' && info !== null ? info.port : 0;
  }

  async listenUdp(): Promise<number> {
    this.udp = createSocket('udp4');
    this.udp.on('message', () => this.datagrams++);
    await new Promise<void>((resolve) => this.udp.bind(0, '127.0.0.1', resolve));
    return this.udp.address().port;
  }

  /** Lets connections queued in the backlog while the test process was blocked in spawnSync arrive. */
  async drain(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  close(): void {
    for (const server of this.tcp) server.close();
    this.udp.close();
  }
}

describe.each(LAUNCH_MODES)('network under a production policy (%s)', (mode) => {
  const recorder = new Recorder();
  let run: GovernedRunResult;
  let results: Record<string, Outcome>;
  let deniedPort = 0;
  let allowedPort = 0;
  let udpPort = 0;
  let sockDir = '';
  let wsPort = 0;
  let udpListenPort = 0;

  beforeAll(async () => {
    deniedPort = await recorder.listen('denied', '127.0.0.1');
    const v6 = await recorder.listen('denied-v6', '::1').catch(() => 0);
    allowedPort = await recorder.listen('allowed', '127.0.0.1');
    udpPort = await recorder.listenUdp();
    wsPort = await recorder.listen('websocket', '127.0.0.1');
    udpListenPort = await freeUdpPort();
    const dir = createProject({ files: { 'app.cjs': APP } });
    sockDir = join(dir, 'sockets');
    mkdirSync(sockDir);
    await recorder.listen('unix', { path: join(sockDir, 'denied.sock') });
    expect(v6 === 0 || v6 > 0).toBe(true);
    run = governedRun({
      dir,
      mode,
      entry: 'app.cjs',
      args: [String(deniedPort), String(allowedPort), String(udpPort), sockDir, String(wsPort), String(udpListenPort)],
      policy: readOnlyPolicy(dir, [
        { id: 'upstream', action: 'net_connect', target: [`127.0.0.1:${allowedPort}`, `trusted.invalid:${deniedPort}`], effect: 'allow' },
        { id: 'serve-local', action: 'net_listen', target: '127.0.0.1:*', effect: 'allow' },
        { id: 'serve-local-v6', action: 'net_listen', target: '[::1]:*', effect: 'allow' },
        { id: 'no-udp-listen', action: 'net_listen', target: [`127.0.0.1:${udpListenPort}`, `[::1]:${udpListenPort}`], effect: 'deny' },
        { id: 'ok-sockets', action: ['net_listen', 'net_connect', 'file_write'], target: `${sockDir}/ok-*.sock`, effect: 'allow' },
        { id: 'self', action: 'net_connect', target: '127.0.0.1:*', effect: 'allow' },
        { id: 'no-exfil', action: 'net_connect', target: [`127.0.0.1:${deniedPort}`, `localhost:${deniedPort}`, `[::1]:${deniedPort}`, `127.0.0.1:${udpPort}`, `127.0.0.1:${wsPort}`], effect: 'deny' },
      ]),
    });
    results = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as Record<string, Outcome>;
    await recorder.drain();
  });

  afterAll(() => {
    recorder.close();
    removeProject(run.dir);
  });

  it('ran to completion', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it.each(DENIED)('%s is refused with the denial', (label) => {
    const result = results[label];
    expect(result, JSON.stringify(results)).toBeDefined();
    expect(['error', 'thrown']).toContain(result.outcome);
    expect(result.code, JSON.stringify(result)).toBe('EGOVDENIED');
  });

  it.each(DENIED_AT_HANDLE)('%s is refused at the libuv handle (EACCES)', (label) => {
    expect(results[label].outcome).toBe('error');
    expect(results[label].code, JSON.stringify(results[label])).toBe('EACCES');
  });

  it('a raw libuv handle connect is refused before it reaches the network', () => {
    expect(results['raw TCP handle']).toEqual({ outcome: 'returned', code: -13 });
  });

  it('a raw handle gets the path or port it was decided on, converted once', () => {
    expect(results['raw pipe bind with a path that converts twice']).toEqual({ outcome: 'returned', code: 0, made: ['ok-bind.sock'] });
    expect(results['raw UDP bind with a port object']).toEqual({ outcome: 'returned', code: -13 });
    expect(run.entries().some((e) => e.decision === 'deny' && e.action === 'net_listen' && e.target === `127.0.0.1:${udpListenPort}`)).toBe(true);
  });

  it('a udp6 socket binds an allowed port, and a udp6 handle keeps the governed bind whatever is assigned to it', () => {
    const allowed = results['allowed udp6 bind'];
    expect(allowed, JSON.stringify(allowed)).toMatchObject({ outcome: 'listening', code: 'IPv6' });
    expect(run.entries().some((e) => e.decision === 'allow' && e.action === 'net_listen' && e.target === `[::1]:${allowed.port}`)).toBe(true);
    expect(results['udp6 handle with bind reassigned']).toEqual({ outcome: 'returned', code: -13, assigned: [false, false], setter: 'TypeError' });
    const denials = run.entries().filter((e) => e.decision === 'deny');
    expect(denials.filter((e) => e.action === 'net_listen' && e.target === `[::1]:${udpListenPort}`).length).toBe(2);
    expect(denials.some((e) => e.action === 'net_connect' && e.target === `[::1]:${udpPort}`)).toBe(true);
  });

  it('the governed connect cannot be redefined', () => {
    expect(results['redefine Socket#connect'].outcome).toBe('thrown');
    expect(results['redefine Socket#connect'].message).toMatch(/Cannot redefine property: connect/);
  });

  it('::1 is refused when the host has IPv6', () => {
    expect(['EGOVDENIED', 'EADDRNOTAVAIL']).toContain(results['net.connect ::1'].code);
  });

  // Node 20 has no global WebSocket without a flag.
  it.runIf(typeof WebSocket === 'function')('a WebSocket to a denied endpoint never connects, and the refusal is in the audit log', () => {
    expect(results.WebSocket.outcome).toBe('error');
    expect(recorder.connections.get('websocket') ?? 0).toBe(0);
    expect(run.entries().some((e) => e.decision === 'deny' && e.action === 'net_connect' && e.target === `127.0.0.1:${wsPort}`)).toBe(true);
  });

  it('the recording servers saw no denied connection and no datagram', () => {
    expect(recorder.connections.get('denied') ?? 0).toBe(0);
    expect(recorder.connections.get('denied-v6') ?? 0).toBe(0);
    expect(recorder.connections.get('unix') ?? 0).toBe(0);
    expect(recorder.datagrams).toBe(0);
    expect(existsSync(join(sockDir, 'evil.sock'))).toBe(false);
  });

  it('positive controls: the allowed upstream and a local server still work', () => {
    expect(results['allowed net.connect'].outcome).toBe('connect');
    expect(results['allowed http server on 127.0.0.1'].outcome).toBe('served');
    expect(recorder.connections.get('allowed')).toBe(1);
  });

  it('every refusal is in the audit log', () => {
    const denials = run.entries().filter((e) => e.decision === 'deny');
    const seen = new Set(denials.map((e) => `${e.action}:${e.target}`));
    for (const target of [
      `net_connect:127.0.0.1:${deniedPort}`,
      `net_connect:localhost:${deniedPort}`,
      `net_connect:127.0.0.1:${udpPort}`,
      `net_connect:${join(sockDir, 'denied.sock')}`,
      `net_listen:${join(sockDir, 'evil.sock')}`,
    ]) expect(seen.has(target), `${target} in ${[...seen].join(', ')}`).toBe(true);
    expect(denials.some((e) => e.action === 'net_listen' && e.target.startsWith('0.0.0.0:'))).toBe(true);
    expect(denials.some((e) => e.action === 'net_listen' && e.target.startsWith('[::]:'))).toBe(true);
  });
});

const SERVER_APP = String.raw`
const http = require('node:http');
const server = http.createServer((req, res) => { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify({ path: req.url })); });
server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  const bodies = [];
  for (let i = 0; i < 5; i++) bodies.push(await (await fetch('http://127.0.0.1:' + port + '/item/' + i)).json());
  const viaHttp = await new Promise((resolve, reject) => http.get({ host: 'localhost', port, path: '/legacy' }, (res) => { let text = ''; res.on('data', (c) => (text += c)); res.on('end', () => resolve(JSON.parse(text))); }).on('error', reject));
  server.close();
  process.stdout.write(JSON.stringify({ bodies, viaHttp }) + '\n');
});
`;

describe.each(LAUNCH_MODES)('compatibility: an http server under an allow-all production policy (%s)', (mode) => {
  const run = governedRun({
    mode,
    entry: 'server.cjs',
    files: { 'server.cjs': SERVER_APP },
    policy: { level: 'production', default: 'allow', rules: [] },
  });
  afterAll(() => removeProject(run.dir));

  it('serves requests through node:http and fetch, and records them', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const output = JSON.parse(run.stdout.trim()) as { bodies: { path: string }[]; viaHttp: { path: string } };
    expect(output.bodies.map((b) => b.path)).toEqual(['/item/0', '/item/1', '/item/2', '/item/3', '/item/4']);
    expect(output.viaHttp).toEqual({ path: '/legacy' });
    const entries = run.entries();
    expect(entries.some((e) => e.action === 'net_listen' && e.decision === 'allow' && e.target.startsWith('127.0.0.1:'))).toBe(true);
    expect(entries.some((e) => e.action === 'net_connect' && e.decision === 'allow' && e.target.startsWith('localhost:'))).toBe(true);
  });
});
