// The load-time checker's thread (load-check.ts). The static checker runs here, in a realm of its own: the
// program's changes to built-ins (a replaced Array iterator made babel find nothing) and its require.cache (a
// planted `analysis/index` answered no findings) do not reach it. Each request on the port is answered with the
// findings as JSON text, or an error, and the reply's arrival is signalled on the shared counter.
import { workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { CheckName } from '../analysis/types';
import type { LoadCheckRequest, LoadCheckSettings } from './load-check';

const { port, signal } = workerData as { port: MessagePort; signal: SharedArrayBuffer };
const counter = new Int32Array(signal);

function findingsJson(file: string, code: string, settings: LoadCheckSettings): string {
  // Loaded on the first request: a process whose modules are all cached never loads babel.
  const { checkSource } = require('../analysis/index') as typeof import('../analysis/index');
  const checks: CheckName[] = ['synthetic_data', 'secret', 'deceptive_import', 'fake_method_call'];
  if (settings.requireGovernanceImport.length > 0) checks.push('missing_governance_import');
  const findings = checkSource(file, code, {
    cwd: settings.baseDir,
    checks,
    settings: { baseDir: settings.baseDir, exempt: settings.exempt, requireImport: settings.requireGovernanceImport.map((glob) => ({ glob, module: '@mltrainer/governance' })) },
  });
  return JSON.stringify(findings);
}

port.on('message', (request: LoadCheckRequest) => {
  let reply: string | { error: string };
  try {
    reply = findingsJson(request.file, request.code, request.settings);
  } catch (error) {
    reply = { error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  port.postMessage(reply);
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
});
