// A unix socket name longer than sun_path (108 bytes): libuv before 1.52 (Node 20 and 22) copies its first 108
// bytes and the kernel uses those, so `<a forbidden socket padded with slashes to 108 bytes>/../ok/x.sock` was
// decided as ok/x.sock and reached the forbidden socket, and a listen on `<dir>/planted____…/../ok/y.sock` created
// `<dir>/planted____…`, outside the writable area (bypasses until 2026-11-23). The name is now decided as the
// kernel reads it. Node 24+ refuse such names (EINVAL) either way.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
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

// A raw Pipe handle's bind creates its socket file with the protections every write has: with the project writable,
// a bind at `.governance/audit.db-journal` (until 2026-11-23) left a socket where SQLite opens its journal, and no
// governed process could start after it; one in the key directory planted a file there.
const RAW_BIND_APP = String.raw`
const net = require('node:net'), path = require('node:path');
const results = {};
const probe = net.createServer().listen(path.resolve('ok.sock'));
const Pipe = probe._handle.constructor; probe.close();
for (const name of ['.governance/audit.db-journal', '.governance/keys/planted.sock', 'fine.sock']) {
  const handle = new Pipe(1);
  results[name] = handle.bind(path.resolve(name));
  handle.close();
}
process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
`;

describe.each(LAUNCH_MODES)('a raw unix socket bind in the state directory (%s)', (mode) => {
  it('is refused like any write there, and the next governed process still starts', () => {
    const dir = createProject({ files: { 'app.cjs': RAW_BIND_APP, 'next.cjs': "process.stdout.write('RESULTS {\"started\":true}\\n');" } });
    const policy = {
      level: 'production', default: 'deny',
      rules: [
        { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
        { id: 'project', action: 'file_write', target: `${dir}/**`, effect: 'allow' },
        { id: 'sockets', action: 'net_listen', target: `${dir}/**`, effect: 'allow' },
      ],
    };
    try {
      const run = governedRun({ dir, mode, entry: 'app.cjs', policy });
      const results = printedResults<Record<string, number>>(run);
      expect(results['.governance/audit.db-journal'], run.stderr).toBeLessThan(0);
      expect(results['.governance/keys/planted.sock']).toBeLessThan(0);
      expect(results['fine.sock']).toBe(0);
      expect(existsSync(join(dir, '.governance', 'audit.db-journal'))).toBe(false);
      expect(existsSync(join(dir, '.governance', 'keys', 'planted.sock'))).toBe(false);
      const denied = run.entries().filter((e) => e.action === 'file_write' && e.decision === 'deny').map((e) => e.target);
      expect(denied).toContain(join(dir, '.governance', 'audit.db-journal'));
      expect(denied).toContain(join(dir, '.governance', 'keys', 'planted.sock'));
      const next = governedRun({ dir, mode, entry: 'next.cjs', policy });
      expect(printedResults<{ started?: boolean }>(next).started, next.stderr).toBe(true);
    } finally {
      removeProject(dir);
    }
  });
});

// A Pipe handle's fchmod is libuv's chmod of the socket's name, which follows a symlink put there after the bind:
// until 2026-11-23 it added read and write bits for everyone to a file the rules do not let the program write.
const FCHMOD_APP = String.raw`
const net = require('node:net'), fs = require('node:fs'), path = require('node:path');
const results = {};
const socketPath = path.resolve('ok/s.sock');
const server = net.createServer().listen(socketPath, () => {
  fs.unlinkSync(socketPath);
  fs.symlinkSync(path.resolve('victim.txt'), socketPath);
  results.swapped = fs.lstatSync(socketPath).isSymbolicLink();
  results.fchmod = server._handle.fchmod(3);
  server.close();
  // Positive control: Node's own fchmod right after the bind.
  const open = net.createServer().listen({ path: path.resolve('ok/r.sock'), readableAll: true, writableAll: true }, () => {
    results.readableAll = (fs.statSync(path.resolve('ok/r.sock')).mode & 0o777).toString(8);
    open.close();
    process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
  }).on('error', (e) => { results.readableAll = e.code; process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n'); });
});
`;

describe.each(LAUNCH_MODES)('fchmod of a unix socket replaced by a symlink (%s)', (mode) => {
  it('is decided as a write of the symlink target and refused', () => {
    const dir = createProject({ files: { 'app.cjs': FCHMOD_APP, 'victim.txt': 'data', 'ok/.keep': '' } });
    chmodSync(join(dir, 'victim.txt'), 0o600);
    try {
      const run = governedRun({
        dir, mode, entry: 'app.cjs',
        policy: {
          level: 'production', default: 'deny',
          rules: [
            { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
            { id: 'ok-write', action: 'file_write', target: `${dir}/ok/**`, effect: 'allow' },
            { id: 'ok-sockets', action: 'net_listen', target: `${dir}/ok/**`, effect: 'allow' },
          ],
        },
      });
      const results = printedResults<Record<string, unknown>>(run);
      expect(results.swapped, run.stderr).toBe(true);
      expect(results.fchmod).not.toBe(0);
      expect(statSync(join(dir, 'victim.txt')).mode & 0o777).toBe(0o600);
      expect(['666', '777']).toContain(results.readableAll); // libuv's mode for readable+writable differs by version
      const denied = run.entries().filter((e) => e.action === 'file_write' && e.decision === 'deny').map((e) => e.target);
      expect(denied).toContain(join(dir, 'victim.txt'));
    } finally {
      removeProject(dir);
    }
  });
});
