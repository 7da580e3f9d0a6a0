// C++ writers and WASI, decided as the file actions they amount to: diagnostic reports, heap
// snapshots and trace files are file_write of where they land; a WASI instance is file_read and
// file_write of each directory it preopens. Default file names are generated here and passed to Node,
// so the file written is the one that was checked.
import v8 = require('node:v8');
import type { GovernanceDeniedError } from '../kernel/errors';
import { primordials } from '../primordials';
import { absolutePath, resolveTarget } from './fs-paths';
import { guardConstructor, guardMethod } from './lock';
import { checkTreeRead } from './log-files';
import { loadBuiltinQuietly } from './quiet-builtin';
import { checkWrite } from './rules-files';

const { apply, defineProperty, getOwnPropertyDescriptor, objectKeys, DateNow } = primordials;
const cwd = process.cwd;
const pid = process.pid;
let sequence = 0;

function checkWritePath(path: string, base?: string): GovernanceDeniedError | null {
  return checkWrite(resolveTarget(absolutePath(path, base), true));
}

/** `YYYYMMDD.HHMMSS` as Node stamps report and snapshot names. */
function stamp(): string {
  const now = new Date(DateNow());
  const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);
  return `${now.getFullYear()}${two(now.getMonth() + 1)}${two(now.getDate())}.${two(now.getHours())}${two(now.getMinutes())}${two(now.getSeconds())}`;
}

function nextSequence(): string {
  sequence++;
  return sequence < 10 ? `00${sequence}` : sequence < 100 ? `0${sequence}` : `${sequence}`;
}

// ---- v8.writeHeapSnapshot / setHeapSnapshotNearHeapLimit

function installHeapSnapshotHooks(): void {
  const v8Module = v8 as unknown as Record<string, unknown>;
  guardMethod(v8Module, 'writeHeapSnapshot', (args) => {
    if (typeof args[0] !== 'string') primordials.setElement(args, 0, `Heap.${stamp()}.${pid}.0.${nextSequence()}.heapsnapshot`);
    return checkWritePath(args[0] as string);
  });
  // Near the heap limit V8 writes Heap.<stamp>.<pid>.<thread>.<seq>.heapsnapshot into the current directory.
  guardMethod(v8Module, 'setHeapSnapshotNearHeapLimit', () => checkWritePath('Heap.near-heap-limit.heapsnapshot'));
}

// ---- process.report

interface Report {
  directory: string;
  filename: string;
  reportOnFatalError: boolean;
  reportOnSignal: boolean;
  reportOnUncaughtException: boolean;
  writeReport: Function;
}

const REPORT_TRIGGERS = ['reportOnFatalError', 'reportOnSignal', 'reportOnUncaughtException'] as const;

function reportDirectory(report: Report): string {
  return report.directory === '' ? cwd() : report.directory;
}

function checkReportFile(report: Report, name: string): GovernanceDeniedError | null {
  if (name === 'stdout' || name === 'stderr') return null;
  return checkWritePath(name, reportDirectory(report));
}

/** Reports written later (on a signal, a fatal error, an uncaught exception) land at directory/filename. */
function checkTriggeredReports(report: Report): GovernanceDeniedError | null {
  let armed = false;
  for (const trigger of REPORT_TRIGGERS) armed = armed || report[trigger] === true;
  if (!armed) return null;
  return checkReportFile(report, report.filename === '' ? `report.${pid}.json` : report.filename);
}

function installReportHooks(): void {
  const report = process.report as unknown as Report | undefined;
  if (report === undefined) return;
  guardMethod(report as unknown as Record<string, unknown>, 'writeReport', (args) => {
    if (typeof args[0] !== 'string') {
      // writeReport(error) or writeReport(): Node would pick the name; pick it here instead.
      const error = args[0];
      primordials.setElement(args, 0, report.filename === '' ? `report.${stamp()}.${pid}.0.${nextSequence()}.json` : report.filename);
      primordials.setElement(args, 1, error);
    }
    return checkReportFile(report, args[0] as string);
  });
  for (const key of ['directory', 'filename', ...REPORT_TRIGGERS]) governReportSetting(report, key);
}

/** Re-checks where triggered reports would land whenever a setting that moves or arms them changes. */
function governReportSetting(report: Report, key: string): void {
  const descriptor = getOwnPropertyDescriptor(report, key);
  if (descriptor === undefined || descriptor.set === undefined || descriptor.configurable !== true) return;
  const { get, set } = descriptor;
  defineProperty(report, key, {
    enumerable: descriptor.enumerable,
    configurable: false,
    get,
    set(value: unknown) {
      const previous = apply(get!, report, []);
      apply(set, report, [value]);
      const denied = checkTriggeredReports(report);
      if (denied === null) return;
      apply(set, report, [previous]);
      throw denied;
    },
  });
}

// ---- node:trace_events: tracing writes node_trace.<n>.log into the current directory.

function installTraceHooks(): void {
  let traceEvents: { createTracing(options: { categories: string[] }): object };
  try {
    traceEvents = require('node:trace_events');
  } catch {
    return; // not available here (e.g. in a worker)
  }
  const proto = primordials.getPrototypeOf(traceEvents.createTracing({ categories: ['node'] })) as Record<string, unknown>;
  guardMethod(proto, 'enable', () => checkWritePath('node_trace.1.log'));
}

function checkPreopens(options: unknown): GovernanceDeniedError | null {
  const preopens = (options as { preopens?: unknown } | null | undefined)?.preopens;
  if (typeof preopens !== 'object' || preopens === null) return null;
  const copy = { ...(preopens as Record<string, unknown>) };
  for (const guest of objectKeys(copy)) {
    const host = resolveTarget(absolutePath(`${copy[guest] as string}`), true);
    const denied = checkTreeRead(host) ?? checkWrite(host);
    if (denied !== null) return denied;
  }
  return null;
}

function installWasiHooks(): void {
  const wasi = loadBuiltinQuietly<{ WASI: Function }>('node:wasi');
  if (wasi === null) return;
  guardConstructor(wasi, 'WASI', (args) => {
    const options = typeof args[0] === 'object' && args[0] !== null ? { ...(args[0] as object) } : args[0];
    args[0] = options;
    return checkPreopens(options);
  });
}

export function installDiagnosticsHooks(): void {
  installHeapSnapshotHooks();
  installReportHooks();
  installTraceHooks();
  installWasiHooks();
}
