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

const { apply, defineProperty, getOwnPropertyDescriptor, objectKeys, setElement, DateNow } = primordials;
const StringCtor = String;
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
    if (typeof args[0] !== 'string') setElement(args, 0, `Heap.${stamp()}.${pid}.0.${nextSequence()}.heapsnapshot`);
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
      setElement(args, 0, report.filename === '' ? `report.${stamp()}.${pid}.0.${nextSequence()}.json` : report.filename);
      setElement(args, 1, error);
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

/**
 * `new WASI(options)`: each host directory in `preopens` is decided as a read and a write of its whole tree.
 * Node is handed what was decided: the options and the preopens copied once into objects without a prototype,
 * each host path already a string, so a getter, an inherited `preopens` or a `toString` cannot show Node a
 * directory other than the one checked.
 */
function checkedWasiOptions(args: unknown[]): GovernanceDeniedError | null {
  const given = args[0];
  if (typeof given !== 'object' || given === null) return null; // Node rejects it
  const options = { __proto__: null, ...given } as Record<string, unknown>;
  const preopens = options.preopens;
  options.preopens = typeof preopens === 'object' && preopens !== null ? stringValues(preopens) : preopens;
  setElement(args, 0, options);
  return checkPreopens(options.preopens);
}

function stringValues(object: object): Record<string, string> {
  const copy = { __proto__: null, ...object } as Record<string, unknown>;
  const out = { __proto__: null } as unknown as Record<string, string>;
  const keys = objectKeys(copy);
  for (let i = 0; i < keys.length; i++) out[keys[i]] = StringCtor(copy[keys[i]]);
  return out;
}

function checkPreopens(preopens: unknown): GovernanceDeniedError | null {
  if (typeof preopens !== 'object' || preopens === null) return null;
  const hosts = preopens as Record<string, string>;
  const guests = objectKeys(hosts);
  for (let i = 0; i < guests.length; i++) {
    const host = resolveTarget(absolutePath(hosts[guests[i]]), true);
    const denied = checkTreeRead(host) ?? checkWrite(host);
    if (denied !== null) return denied;
  }
  return null;
}

function installWasiHooks(): void {
  const wasi = loadBuiltinQuietly<{ WASI: Function }>('node:wasi');
  if (wasi === null) return;
  guardConstructor(wasi, 'WASI', checkedWasiOptions);
}

export function installDiagnosticsHooks(): void {
  installHeapSnapshotHooks();
  installReportHooks();
  installTraceHooks();
  installWasiHooks();
}
