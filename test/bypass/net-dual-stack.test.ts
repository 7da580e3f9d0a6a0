// A socket bound to the IPv6 wildcard `::` without IPV6_V6ONLY is dual-stack on Linux: it also accepts IPv4
// connections and datagrams on every interface. `server.listen(port)` with no host binds exactly that. Until
// 2026-11-23 such a listen was decided as `[::]:<port>` only, so a rule denying `0.0.0.0:*` (no listens on every
// IPv4 interface) let the program serve every IPv4 interface anyway (TCP and UDP, every Node line). A dual-stack
// wildcard listen is now decided as both; with `ipv6Only` it is the IPv6 wildcard alone.
import { describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject } from '../helpers/governed-run';
import { printedResults } from '../helpers/route-results';

const APP = String.raw`
const net = require('node:net');
const dgram = require('node:dgram');
const results = {};

/** Listens as given; reports whether an IPv4 client reached it (through a non-loopback route when one exists). */
function tcp(label, options) {
  return new Promise((resolve) => {
    const server = net.createServer((socket) => { results[label + ' accepted'] = true; socket.destroy(); });
    server.on('error', (e) => { results[label] = e.code; resolve(); });
    server.listen(options, () => {
      results[label] = 'listening';
      const client = net.connect(server.address().port, '127.0.0.1');
      const done = () => { client.destroy(); server.close(); setTimeout(resolve, 50); };
      client.on('connect', done);
      client.on('error', done);
    });
  });
}

function udp(label, options) {
  return new Promise((resolve) => {
    const socket = dgram.createSocket(options);
    socket.on('message', () => { results[label + ' received'] = true; });
    socket.on('error', (e) => { results[label] = e.code; socket.close(); resolve(); });
    socket.bind(0 + Number(process.argv[2]), () => {
      results[label] = 'bound';
      const sender = dgram.createSocket('udp4');
      sender.send('x', Number(process.argv[2]), '127.0.0.1', () => setTimeout(() => { sender.close(); socket.close(); resolve(); }, 100));
    });
  });
}

(async () => {
  await tcp('tcp default host', { port: 0 });
  await tcp('tcp ::', { port: 0, host: '::' });
  await tcp('tcp 0:0::0', { port: 0, host: '0:0::0' });
  await udp('udp6 ::', { type: 'udp6' });
  // Positive controls: the IPv6 wildcard alone, and loopback.
  await tcp('tcp :: ipv6Only', { port: 0, host: '::', ipv6Only: true });
  await tcp('tcp loopback', { port: 0, host: '127.0.0.1' });
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
})();
`;

describe.each(LAUNCH_MODES)('a dual-stack listen on the IPv6 wildcard (%s)', (mode) => {
  it('is decided as the IPv4 wildcard too', () => {
    const dir = createProject({ files: { 'app.cjs': APP } });
    try {
      const udpPort = 20000 + Math.floor(Math.random() * 20000);
      const run = governedRun({
        dir, mode, entry: 'app.cjs', args: [String(udpPort)],
        policy: { level: 'production', default: 'allow', rules: [{ id: 'no-v4-wildcard', action: 'net_listen', target: '0.0.0.0:*', effect: 'deny' }] },
      });
      const results = printedResults<Record<string, unknown>>(run);
      for (const label of ['tcp default host', 'tcp ::', 'tcp 0:0::0']) {
        expect(results[label], `${label}: ${run.stderr}`).toBe('EGOVDENIED');
        expect(results[`${label} accepted`]).toBeUndefined();
      }
      expect(results['udp6 ::']).toBe('EACCES'); // dgram has no public layer: the handle refuses
      expect(results['udp6 :: received']).toBeUndefined();
      expect(results['tcp :: ipv6Only']).toBe('listening');
      expect(results['tcp loopback']).toBe('listening');
      expect(results['tcp loopback accepted']).toBe(true);
      const denied = run.entries().filter((e) => e.action === 'net_listen' && e.decision === 'deny' && e.ruleId === 'no-v4-wildcard');
      expect(denied.length).toBeGreaterThanOrEqual(4);
      expect(denied.map((e) => e.target)).toContain(`0.0.0.0:${udpPort}`);
    } finally {
      removeProject(dir);
    }
  });
});
