// Variables that make a child read files in C++, where no hook of its own sees the read: NODE_EXTRA_CA_CERTS (Node
// 22.15+ hands the certificates back: `tls.getCACertificates('extra')`), SSL_CERT_FILE and SSL_CERT_DIR (OpenSSL's
// trust store), NODE_ICU_DATA (ICU's data directory). Until 2026-11-23 a governed program could have a child read a
// file its rules deny this way. Each is now decided as file_read of the file (a directory: of the directory) at the
// spawn. Positive control: the same variable naming a readable file works, and the child gets the certificate.
import * as tls from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, readOnlyPolicy, removeProject } from '../helpers/governed-run';
import { printedResults } from '../helpers/route-results';

const APP = String.raw`
const cp = require('node:child_process'), path = require('node:path');
const results = {};
function attempt(label, variables, command = process.execPath, args = ['child.cjs']) {
  try {
    const r = cp.spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, ...variables } });
    if (r.error) throw r.error;
    results[label] = { outcome: 'done', stdout: r.stdout };
  } catch (e) { results[label] = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
}
attempt('NODE_EXTRA_CA_CERTS', { NODE_EXTRA_CA_CERTS: 'secret/ca.pem' });
attempt('SSL_CERT_FILE', { SSL_CERT_FILE: path.resolve('secret/ca.pem') });
attempt('SSL_CERT_DIR', { SSL_CERT_DIR: 'public:secret' });
attempt('NODE_ICU_DATA', { NODE_ICU_DATA: 'secret' });
attempt('a child that is not node', { SSL_CERT_FILE: 'secret/ca.pem' }, '/bin/true', []);
attempt('allowed NODE_EXTRA_CA_CERTS', { NODE_EXTRA_CA_CERTS: 'public/ca.pem' });
process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
`;

// What the child learns of the extra certificates (Node 22.15+ returns them; older lines only use them).
const CHILD = String.raw`
const tls = require('node:tls');
process.stdout.write('EXTRA ' + (typeof tls.getCACertificates === 'function' ? tls.getCACertificates('extra').length : 'unknown'));
`;

const DENIED: Record<string, string> = {
  NODE_EXTRA_CA_CERTS: 'secret/ca.pem',
  SSL_CERT_FILE: 'secret/ca.pem',
  SSL_CERT_DIR: 'secret',
  NODE_ICU_DATA: 'secret',
  'a child that is not node': 'secret/ca.pem',
};

interface Outcome {
  outcome: string;
  code?: string;
  message?: string;
  stdout?: string;
}

describe.each(LAUNCH_MODES)('variables that make a child read files (%s)', (mode) => {
  const certificate = tls.rootCertificates[0];
  const dir = createProject({ files: { 'app.cjs': APP, 'child.cjs': CHILD, 'secret/ca.pem': certificate, 'public/ca.pem': certificate } });
  const policy = readOnlyPolicy(dir, [
    { id: 'no-secret', action: 'file_read', target: [`${dir}/secret`, `${dir}/secret/**`], effect: 'deny' },
    { id: 'spawn', action: 'process_spawn', target: '**', effect: 'allow' },
  ]);
  const run = governedRun({ dir, mode, entry: 'app.cjs', policy });
  const outcomes = printedResults<Record<string, Outcome>>(run);
  const entries = run.entries();
  afterAll(() => removeProject(dir));

  it('ran to completion', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it.each(Object.entries(DENIED))('%s naming a denied path is refused as file_read of %s, and the child never runs', (label, path) => {
    expect(outcomes[label], JSON.stringify(outcomes[label])).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
    expect(outcomes[label].message).toContain(`file_read:${dir}/${path}`);
    expect(entries.some((e) => e.action === 'file_read' && e.target === `${dir}/${path}` && e.decision === 'deny')).toBe(true);
  });

  it('positive control: a readable certificate file reaches the child', () => {
    const expected = 'getCACertificates' in tls ? 'EXTRA 1' : 'EXTRA unknown';
    expect(outcomes['allowed NODE_EXTRA_CA_CERTS']).toEqual({ outcome: 'done', stdout: expected });
  });
});
