// OpenSSL engines are shared objects loaded into the process: native code, governed as native_addon.
// A real shared object whose constructor writes a marker file stands for the engine: under a production policy
// that denies it, no road (crypto.setEngine by path or by name, the tls/https engine options, a context's own
// engine methods, an ESM import) may run it, and each refusal is in the audit log. The same object at an
// allowed path does run, which shows that the routes are real.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject } from '../helpers/governed-run';
import { buildMarkerLibrary, expectNativeRefusal, MARKER_ATTEMPT, type MarkerOutcome } from '../helpers/marker-library';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const fs = require('node:fs'), path = require('node:path');
const here = process.cwd();
const evil = path.join(here, 'ext', 'evil.so');
const results = {};
${MARKER_ATTEMPT}(async () => {
  await attempt('crypto.setEngine(path)', () => require('node:crypto').setEngine(evil));
  await attempt('crypto.setEngine(name) from $OPENSSL_ENGINES', () => { process.env.OPENSSL_ENGINES = path.dirname(evil); require('node:crypto').setEngine('evil'); });
  await attempt('ESM import of setEngine', async () => { const { setEngine } = await import('node:crypto'); setEngine(evil); });
  await attempt('tls clientCertEngine option', () => require('node:tls').createSecureContext({ clientCertEngine: evil }));
  await attempt('tls privateKeyEngine option', () => require('node:tls').createSecureContext({ privateKeyEngine: evil, privateKeyIdentifier: 'key' }));
  await attempt('a context\'s setClientCertEngine', () => require('node:tls').createSecureContext().context.setClientCertEngine(evil));
  await attempt('a context\'s setEngineKey', () => require('node:tls').createSecureContext().context.setEngineKey('key', evil));
  await attempt('https.request clientCertEngine option', () => new Promise((resolve, reject) => {
    const request = require('node:https').request({ host: '127.0.0.1', port: 9, clientCertEngine: evil, agent: false }, resolve);
    request.on('error', reject);
    request.end();
  }));
  await attempt('allowed engine path', () => require('node:crypto').setEngine(path.join(here, 'allowed', 'evil.so')));
  await attempt('allowed TLS context', () => require('node:tls').createSecureContext({}));
  process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
})();
`;

const DENIED: Record<string, string> = {
  'crypto.setEngine(path)': '<dir>/ext/evil.so',
  'crypto.setEngine(name) from $OPENSSL_ENGINES': 'openssl-engine:evil',
  'ESM import of setEngine': '<dir>/ext/evil.so',
  'tls clientCertEngine option': '<dir>/ext/evil.so',
  'tls privateKeyEngine option': '<dir>/ext/evil.so',
  'a context\'s setClientCertEngine': '<dir>/ext/evil.so',
  'a context\'s setEngineKey': '<dir>/ext/evil.so',
  'https.request clientCertEngine option': '<dir>/ext/evil.so',
};

describe.each(LAUNCH_MODES)('OpenSSL engines under a production policy (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP } });
  buildMarkerLibrary(join(dir, 'ext'), join(dir, 'MARKER'));
  buildMarkerLibrary(join(dir, 'allowed'), join(dir, 'MARKER'));
  const run = governedRun({
    dir,
    mode,
    entry: 'app.cjs',
    policy: {
      level: 'production',
      default: 'allow',
      rules: [{ id: 'no-engines', action: 'native_addon', target: [`${dir}/ext/**`, 'openssl-engine:*'], effect: 'deny' }],
    },
  });
  const outcomes = run.status === 0 ? routeResults<Record<string, MarkerOutcome>>(run) : {};
  const entries = run.entries();
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(Object.entries(DENIED))('%s is refused as native_addon:%s and runs no native code', (label, rawTarget) => {
    expectNativeRefusal(outcomes[label], entries, rawTarget.replace('<dir>', dir));
  });

  it('positive controls: an allowed engine path really loads, and plain TLS contexts work', () => {
    // OpenSSL rejects the object as an engine after loading it: its constructor has run.
    expect(outcomes['allowed engine path']).toMatchObject({ outcome: 'thrown', ran: true });
    expect(outcomes['allowed engine path'].code).not.toBe('EGOVDENIED');
    expect(outcomes['allowed TLS context']).toEqual({ outcome: 'done', ran: false });
    expect(existsSync(join(dir, 'MARKER'))).toBe(false);
  });
});
