// The endpoint of a connect is read once: an inherited getter (`Object.prototype.host`) that answered the check
// 'localhost' (allowed) and Node another name made the granting lookup resolve that name with Node's own
// dns.lookup (no decision) and grant its address, so the socket reached 127.0.0.2, which no rule allows, and the
// log showed only `localhost:<port>` allowed (a bypass until 2026-11-23, on every Node line). The names are
// chosen so no real DNS query is made: `127.2` is a name to Node (isIP says 0) and getaddrinfo reads it as
// 127.0.0.2.
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject } from '../helpers/governed-run';
import { printedResults } from '../helpers/route-results';

const APP = String.raw`
const net = require('node:net');
const port = Number(process.argv[2]);
const results = {};
function attempt(options) {
  return new Promise((resolve) => {
    const socket = net.connect(options);
    const timer = setTimeout(() => { socket.destroy(); resolve('timeout'); }, 3000);
    socket.on('connect', () => { clearTimeout(timer); const to = socket.remoteAddress; socket.destroy(); resolve('connected ' + to); });
    socket.on('error', (e) => { clearTimeout(timer); resolve(e.code); });
  });
}
(async () => {
  // Node's own lookup step gets the other name, every other read the allowed one.
  Object.defineProperty(Object.prototype, 'host', {
    configurable: true,
    get() { return /lookupAndConnect/.test(new Error().stack) ? '127.2' : 'localhost'; },
  });
  results.getter = await attempt({ port, family: 4 });
  delete Object.prototype.host;
  results.direct = await attempt({ host: '127.2', port });
  results.allowed = await attempt({ host: 'localhost', port, family: 4 });
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
})();
`;

function listen(host: string, port: number, seen: string[]): Promise<Server> {
  const server = createServer((socket) => {
    seen.push(host);
    socket.end();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

const seen: string[] = [];
let forbidden: Server;
let allowed: Server;
let port = 0;
beforeAll(async () => {
  forbidden = await listen('127.0.0.2', 0, seen);
  port = (forbidden.address() as { port: number }).port;
  allowed = await listen('127.0.0.1', port, seen);
});
afterAll(async () => {
  await new Promise((resolve) => forbidden.close(resolve));
  await new Promise((resolve) => allowed.close(resolve));
});

describe.each(LAUNCH_MODES)('a connect whose host an inherited getter answers twice (%s)', (mode) => {
  it('connects only where the decision said, and 127.0.0.2 stays refused', async () => {
    const dir = createProject({ files: { 'app.cjs': APP } });
    seen.length = 0;
    try {
      const run = governedRun({
        dir, mode, entry: 'app.cjs', args: [String(port)],
        policy: {
          level: 'production', default: 'deny',
          rules: [
            { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
            { id: 'localhost', action: 'net_connect', target: `localhost:${port}`, effect: 'allow' },
          ],
        },
      });
      const results = printedResults<Record<string, string>>(run);
      expect(results.getter, run.stderr).toBe('connected 127.0.0.1');
      expect(results.direct).toBe('EGOVDENIED');
      expect(results.allowed).toBe('connected 127.0.0.1');
      await new Promise((resolve) => setTimeout(resolve, 300)); // the servers accept once the run is over
      expect(seen).toContain('127.0.0.1');
      expect(seen).not.toContain('127.0.0.2');
      const entries = run.entries().filter((e) => e.action === 'net_connect');
      expect(entries.some((e) => e.target === `127.2:${port}` && e.decision === 'deny')).toBe(true);
      expect(entries.filter((e) => e.decision === 'allow').map((e) => e.target)).toEqual([`localhost:${port}`, `localhost:${port}`]);
    } finally {
      removeProject(dir);
    }
  });
});
