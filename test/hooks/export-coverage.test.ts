// Fails when the running Node version has a function on `process`, `dns` or `dns/promises` that is
// neither governed nor classified with the reason it needs no hook, so a new route (process.execve
// arrived this way) cannot slip through unclassified.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

interface Report {
  replaced: boolean;
  locked: boolean;
}

const probe = JSON.parse(execFileSync(process.execPath, ['--no-warnings', join(__dirname, 'scripts', 'export-coverage-probe.cjs')], { encoding: 'utf8' })) as {
  node: string;
  report: Record<'process' | 'dns' | 'promises', Record<string, Report>>;
  channel: Record<string, boolean>;
};

const GOVERNED = 'governed';

/** process functions: governed (a locked wrapper) or why none is needed. */
const PROCESS: Record<string, string> = {
  binding: GOVERNED, _linkedBinding: GOVERNED, dlopen: GOVERNED, _kill: GOVERNED, _debugProcess: GOVERNED,
  loadEnvFile: GOVERNED, execve: GOVERNED, getBuiltinModule: GOVERNED,
  kill: 'ends in process._kill',
  chdir: 'moves the directory relative paths resolve against; every decision resolves against the current one',
  umask: 'mode of files created later; the creating call is decided',
  abort: 'ends the process', exit: 'ends the process', reallyExit: 'ends the process',
  _debugEnd: 'closes the inspector',
  setuid: 'process credentials (root only)', setgid: 'process credentials (root only)', seteuid: 'process credentials (root only)',
  setegid: 'process credentials (root only)', setgroups: 'process credentials (root only)', initgroups: 'process credentials (root only)',
  getuid: 'reads state', geteuid: 'reads state', getgid: 'reads state', getegid: 'reads state', getgroups: 'reads state', cwd: 'reads state',
  cpuUsage: 'reads state', threadCpuUsage: 'reads state', memoryUsage: 'reads state', resourceUsage: 'reads state', availableMemory: 'reads state',
  constrainedMemory: 'reads state', uptime: 'reads state', hrtime: 'reads state', getActiveResourcesInfo: 'reads state',
  _getActiveHandles: 'reads state', _getActiveRequests: 'reads state', hasUncaughtExceptionCaptureCallback: 'reads state',
  nextTick: 'scheduling', _tickCallback: 'scheduling', ref: 'event loop reference', unref: 'event loop reference',
  emitWarning: 'writes to stderr', _rawDebug: 'writes to stderr', openStdin: 'reads stdin',
  _fatalException: 'error handling', setUncaughtExceptionCaptureCallback: 'error handling', addUncaughtExceptionCaptureCallback: 'error handling',
  assert: 'deprecated assertion', setSourceMapsEnabled: 'stack trace formatting',
  _startProfilerIdleNotifier: 'profiler bookkeeping', _stopProfilerIdleNotifier: 'profiler bookkeeping',
};

/** dns and dns/promises functions: the lookups are wrapped; every resolver query ends in the c-ares channel. */
const DNS: Record<string, string> = {
  lookup: GOVERNED, lookupService: GOVERNED,
  Resolver: 'queries end in the channel methods', setServers: 'ends in the channel setServers', reverse: 'ends in the channel getHostByAddr',
  getServers: 'reads state', getDefaultResultOrder: 'reads state', setDefaultResultOrder: 'order of lookup results',
};

function classify(table: Record<string, string>, key: string): string | undefined {
  if (key in table) return table[key];
  return key.startsWith('resolve') ? 'ends in a channel query method' : undefined;
}

for (const [owner, table] of [['process', PROCESS], ['dns', DNS], ['promises', DNS]] as const) {
  describe(`${owner} function coverage on Node ${probe.node}`, () => {
    it.each(Object.keys(probe.report[owner]))(`${owner}.%s is governed or classified`, (key) => {
      const kind = classify(table, key);
      expect(kind, `unclassified ${owner} function ${key}`).toBeDefined();
      if (kind === GOVERNED) expect(probe.report[owner][key]).toEqual({ replaced: true, locked: true });
    });
  });
}

describe('the c-ares channel', () => {
  it('every query method, getHostByAddr and setServers are locked wrappers', () => {
    expect(Object.keys(probe.channel).length).toBeGreaterThan(12);
    for (const [key, locked] of Object.entries(probe.channel)) expect(locked, key).toBe(true);
  });
});
