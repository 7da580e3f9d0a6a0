// A unix socket name longer than sun_path (108 bytes): libuv before 1.52 (Node 20 and 22) copies its first 108
// bytes and the kernel uses those, so `<a forbidden socket padded with slashes to 108 bytes>/../ok/x.sock` was
// decided as ok/x.sock and reached the forbidden socket, and a listen on `<dir>/planted____…/../ok/y.sock` created
// `<dir>/planted____…`, outside the writable area (bypasses until 2026-11-23). The name is now decided as the
// kernel reads it. Node 24+ refuse such names (EINVAL) either way.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject } from '../helpers/governed-run';
import { printedResults } from '../helpers/route-results';

const APP = String.raw`
const net = require('node:net');
const dir = process.argv[2];
const results = {};
const padded = (name) => dir + '/'.repeat(108 - dir.length - name.length) + name; // 108 bytes, naming dir/name
function settle(emitter, okEvent) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), 3000);
    emitter.on(okEvent, () => { clearTimeout(timer); resolve(okEvent); emitter.destroy ? emitter.destroy() : emitter.close(); });
    emitter.on('error', (e) => { clearTimeout(timer); resolve(e.code); });
  });
}
(async () => {
  results.connect = await settle(net.connect(padded('secret.sock') + '/../ok/x.sock'), 'connect');
  results.listen = await settle(net.createServer().listen(padded('planted') + '/../ok/y.sock'), 'listening');
  // Positive control: a short name in the allowed directory.
  const server = net.createServer((c) => c.end());
  results.allowedListen = await new Promise((resolve) => { server.listen(dir + '/ok/z.sock', () => resolve('listening')); server.on('error', (e) => resolve(e.code)); });
  results.allowedConnect = await settle(net.connect(dir + '/ok/z.sock'), 'connect');
  server.close();
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
})();
`;

let sockDir = '';
let secret: Server;
const seen: string[] = [];
beforeAll(async () => {
  sockDir = realpathSync(mkdtempSync('/tmp/gov-unix-'));
  secret = createServer((socket) => {
    seen.push('secret');
    socket.end();
  });
  await new Promise<void>((resolve) => secret.listen(join(sockDir, 'secret.sock'), resolve));
});
afterAll(async () => {
  await new Promise((resolve) => secret.close(resolve));
  rmSync(sockDir, { recursive: true, force: true });
});

describe.each(LAUNCH_MODES)('unix socket names longer than sun_path (%s)', (mode) => {
  it('are decided as the kernel reads them: no forbidden connect, no socket file outside the allowed area', async () => {
    const dir = createProject({ files: { 'app.cjs': APP } });
    seen.length = 0;
    rmSync(join(sockDir, 'ok'), { recursive: true, force: true });
    mkdirSync(join(sockDir, 'ok'));
    try {
      const run = governedRun({
        dir, mode, entry: 'app.cjs', args: [sockDir],
        policy: {
          level: 'production', default: 'deny',
          rules: [
            { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
            { id: 'ok-write', action: 'file_write', target: `${sockDir}/ok/**`, effect: 'allow' },
            { id: 'ok-sockets', action: ['net_connect', 'net_listen'], target: `${sockDir}/ok/**`, effect: 'allow' },
          ],
        },
      });
      const results = printedResults<Record<string, string>>(run);
      expect(results.connect, run.stderr).toBe('EGOVDENIED');
      expect(results.listen).toBe('EGOVDENIED');
      expect(results.allowedListen).toBe('listening');
      expect(results.allowedConnect).toBe('connect');
      await new Promise((resolve) => setTimeout(resolve, 300)); // the server accepts once the run is over
      expect(seen).toEqual([]);
      expect(readdirSync(sockDir).filter((name) => name.startsWith('planted'))).toEqual([]);
      const denied = run.entries().filter((e) => e.decision === 'deny');
      expect(denied.some((e) => e.action === 'net_connect' && e.target === join(sockDir, 'secret.sock'))).toBe(true);
      expect(denied.some((e) => e.action === 'net_listen' && e.target.startsWith(join(sockDir, 'planted')))).toBe(true);
      expect(existsSync(join(sockDir, 'ok', 'y.sock'))).toBe(false);
    } finally {
      removeProject(dir);
    }
  });
});
