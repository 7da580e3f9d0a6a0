// A raw TCP handle told to listen without a bind: libuv makes an IPv4 socket and the kernel binds it to 0.0.0.0
// and an ephemeral port. The handle had no address to read before listening, so until 2026-11-23 the listen was
// decided as `undefined:undefined`, which passed a rule on `0.0.0.0:*`, and the process accepted connections on
// every interface (every Node line). It is now decided as `0.0.0.0:0`.
import { describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject } from '../helpers/governed-run';
import { printedResults } from '../helpers/route-results';

const APP = String.raw`
const net = require('node:net');
const results = {};
const probe = new net.Socket(); probe.on('error', () => {}); probe.connect(9, '127.0.0.1');
const TCP = probe._handle.constructor; probe.destroy();
const handle = new TCP(1); // a server handle, never bound
handle.onconnection = () => { results.accepted = true; };
results.rawListen = handle.listen(511);
const out = {}; handle.getsockname(out);
(async () => {
  if (results.rawListen === 0) {
    results.rawConnect = await new Promise((resolve) => {
      const socket = net.connect(out.port, '127.0.0.1');
      socket.on('connect', () => { socket.destroy(); resolve('connected'); });
      socket.on('error', (e) => resolve(e.code));
    });
  }
  handle.close();
  // Positive control: a listen on loopback.
  const server = net.createServer();
  results.loopback = await new Promise((resolve) => { server.listen(0, '127.0.0.1', () => resolve('listening')); server.on('error', (e) => resolve(e.code)); });
  server.close();
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
})();
`;

describe.each(LAUNCH_MODES)('a raw TCP listen without a bind (%s)', (mode) => {
  it('is decided as the wildcard address it binds', () => {
    const dir = createProject({ files: { 'app.cjs': APP } });
    try {
      const run = governedRun({
        dir, mode, entry: 'app.cjs',
        policy: { level: 'production', default: 'allow', rules: [{ id: 'no-wildcard', action: 'net_listen', target: ['0.0.0.0:*', '[::]:*'], effect: 'deny' }] },
      });
      const results = printedResults<Record<string, unknown>>(run);
      expect(results.rawListen, run.stderr).not.toBe(0);
      expect(results.accepted).toBeUndefined();
      expect(results.loopback).toBe('listening');
      const denied = run.entries().filter((e) => e.action === 'net_listen' && e.decision === 'deny');
      expect(denied.map((e) => e.target)).toContain('0.0.0.0:0');
    } finally {
      removeProject(dir);
    }
  });
});
