// C++ writers and WASI, decided as the file actions they amount to: diagnostic reports, heap
// snapshots and trace files are file_write of where they land; a WASI instance is file_read and
// file_write of each directory it preopens. Default file names are generated here and passed to Node,
// so the file written is the one that was checked. Writers armed now and writing later must land where
// they were decided whatever the current directory is by then: armed reports get an absolute directory,
// and process.chdir decides the new directory for the writers that use it (tracing, heap snapshots near
// the heap limit).
import Module = require('node:module');
import v8 = require('node:v8');
import type { GovernanceDeniedError } from '../kernel/errors';
import { primordials } from '../primordials';
import { commitQueued } from '../kernel/lifecycle';
import { checkForeignDescriptor } from './fs-descriptors';
import { absolutePath, directoryNames, resolveTarget } from './fs-paths';
import { guardConstructor, guardMethod } from './lock';
import { checkTreeRead } from './log-files';
import { loadBuiltinQuietly } from './quiet-builtin';
import { checkWrite } from './rules-files';

const { apply, defineProperty, getOwnPropertyDescriptor, objectKeys, setElement, DateNow, StringPrototypeEndsWith, StringPrototypeIndexOf, StringPrototypeLastIndexOf, StringPrototypeSlice, StringPrototypeStartsWith } = primordials;
const StringCtor = String;
const cwd = process.cwd;
const pid = process.pid;
const HEAP_LIMIT_SNAPSHOT = 'Heap.near-heap-limit.heapsnapshot';
const HEAP_LIMIT_PROFILE = 'Heap.near-heap-limit.heapprofile';
const TRACE_FILE = 'node_trace.1.log';
const CACHE_ENTRY = 'compile-cache-entry';
/** `<dir>/<version>-<arch>-<hash>-<uid>`, where the compile cache writes now; '' or undefined when it is off (Node 22.8+). */
const getCompileCacheDir = (Module as { getCompileCacheDir?: () => string | undefined }).getCompileCacheDir;
let sequence = 0;
/** setHeapSnapshotNearHeapLimit was allowed: V8 will write into whatever the current directory is then. */
let heapLimitArmed = false;
/** setHeapProfileNearHeapLimit (Node 26) was allowed: the same, for the sampling heap profile. */
let heapProfileArmed = false;
/** trace_events.getEnabledCategories, once node:trace_events is loaded: tracing writes into the current directory too. */
let enabledTraceCategories: (() => string | undefined) | null = null;

function checkWritePath(path: string, base?: string): GovernanceDeniedError | null {
  return checkWrite(resolveTarget(absolutePath(path, base), true));
}

/**
 * A writer that picks its file's name when it writes (`Heap.<stamp>.<pid>.<thread>.<seq>.heapsnapshot`, a default
 * report name, `node_trace.<n>.log`) opens whatever is already at that name: the names are predictable, so a
 * symlink planted there before arming (one per second for the next minute) sent the write to the file it names (a
 * near-limit heap snapshot overwrote a file the rules protect, until 2026-11-23). Arming, and a move of the
 * directory it writes into, decide each entry of `dir` such a name matches as a write of what it resolves to.
 */
function checkPlanted(dir: string, matches: (name: string) => boolean): GovernanceDeniedError | null {
  const names = directoryNames(dir);
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    if (typeof name !== 'string' || !matches(name)) continue;
    const denied = checkWritePath(name, dir);
    if (denied !== null) return denied;
  }
  return null;
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
  guardMethod(v8Module, 'setHeapSnapshotNearHeapLimit', () => {
    const denied = checkWritePath(HEAP_LIMIT_SNAPSHOT) ?? checkPlanted(cwd(), isHeapSnapshotName);
    if (denied === null) heapLimitArmed = true;
    return denied;
  });
  // Node 26: near the heap limit Node writes the running sampling heap profile (v8.startHeapProfile) as
  // Heap.<stamp>.<pid>.<thread>.<seq>.heapprofile into the current directory, from C++. Ungoverned until 2026-11-23
  // (a profile was written into a directory the rules did not let the program write).
  guardMethod(v8Module, 'setHeapProfileNearHeapLimit', () => {
    const denied = checkWritePath(HEAP_LIMIT_PROFILE) ?? checkPlanted(cwd(), isHeapProfileName);
    if (denied === null) heapProfileArmed = true;
    return denied;
  });
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

const REPORT_SETTINGS = ['directory', 'filename', 'reportOnFatalError', 'reportOnSignal', 'reportOnUncaughtException'];
/** The original setter of process.report.directory (the governed one re-decides). */
let setReportDirectory: ((value: string) => void) | undefined;
/** process.report, once its settings are governed. */
let governedReport: Report | null = null;

/** Where Node's C++ opens a report: `directory/name` joined as strings (even for an absolute name), else `name`. */
function checkReportFile(directory: string, name: string): GovernanceDeniedError | null {
  if (name === 'stdout' || name === 'stderr') return null;
  return checkWritePath(directory === '' ? name : `${directory}/${name}`);
}

function isArmed(report: Report): boolean {
  for (let i = 2; i < REPORT_SETTINGS.length; i++) if ((report as unknown as Record<string, unknown>)[REPORT_SETTINGS[i]] === true) return true;
  return false;
}

/**
 * Reports written later (on a signal, a fatal error, an uncaught exception) land at directory/filename, relative
 * to the current directory then: an allowed arming pins the directory it was decided in (absolute), so that a
 * later process.chdir moves nothing.
 */
function checkTriggeredReports(report: Report): GovernanceDeniedError | null {
  if (!isArmed(report)) return null;
  const directory = report.directory;
  const pinned = directory === '' ? cwd() : absolutePath(directory);
  const denied = checkReportFile(pinned, report.filename === '' ? `report.${pid}.json` : report.filename)
    ?? (report.filename === '' ? checkPlanted(pinned, isReportName) : null);
  if (denied === null && pinned !== directory && setReportDirectory !== undefined) apply(setReportDirectory, report, [pinned]);
  return denied;
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
    return checkReportFile(report.directory, args[0] as string);
  });
  setReportDirectory = getOwnPropertyDescriptor(report, 'directory')?.set;
  governedReport = report;
  for (let i = 0; i < REPORT_SETTINGS.length; i++) governReportSetting(report, REPORT_SETTINGS[i]);
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
      const previousDirectory = report.directory;
      apply(set, report, [value]);
      const denied = checkTriggeredReports(report);
      if (denied === null) return;
      apply(set, report, [previous]);
      if (setReportDirectory !== undefined) apply(setReportDirectory, report, [previousDirectory]);
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
  guardMethod(proto, 'enable', () => checkWritePath(TRACE_FILE) ?? checkPlanted(cwd(), isTraceName));
  enabledTraceCategories = (traceEvents as unknown as { getEnabledCategories(): string | undefined }).getEnabledCategories;
}

// ---- process.chdir

/**
 * process.chdir while a writer that writes into the current directory later is armed (Node reads the directory when
 * it writes; nothing pins it from JavaScript): decided as the file_write that writer would make in the new one.
 */
function checkChdir(args: unknown[]): GovernanceDeniedError | null {
  if (typeof args[0] !== 'string') return null; // Node rejects it
  const next = absolutePath(args[0]);
  const heap = heapLimitArmed ? checkWritePath(HEAP_LIMIT_SNAPSHOT, next) ?? checkPlanted(next, isHeapSnapshotName) : null;
  if (heap !== null) return heap;
  const profile = heapProfileArmed ? checkWritePath(HEAP_LIMIT_PROFILE, next) ?? checkPlanted(next, isHeapProfileName) : null;
  if (profile !== null) return profile;
  return isTracing() ? checkWritePath(TRACE_FILE, next) ?? checkPlanted(next, isTraceName) : null;
}

// ---- links and moves that re-point an armed writer's file

/**
 * A symlink, hard link, rename or copy made at `entry` while a C++ writer is armed (a report, tracing, a near-limit heap
 * snapshot or heap profile, the compile cache). The writer opens its file by name
 * when it writes, so a link at that file or at a directory on its way sends the write elsewhere: decided as that
 * file_write. `to` (absolute) is what `entry` will lead to: a symlink's target, or the source moved, linked or copied
 * there, which redirects only through the links it holds (a plain file or directory is written where it then is).
 * Until 2026-11-23 a report armed in an allowed directory could be re-pointed at the audit database by a symlink
 * made there afterwards.
 */
export function checkArmedRedirect(entry: string, to: string, symlink: boolean): GovernanceDeniedError | null {
  const report = governedReport !== null && isArmed(governedReport) ? governedReport : null;
  const tracing = isTracing();
  const cache = getCompileCacheDir === undefined ? undefined : getCompileCacheDir();
  if (report === null && !heapLimitArmed && !heapProfileArmed && !tracing && !cache) return null;
  const at = resolveTarget(entry, false);
  const here = cwd();
  const tail = (report === null ? null : reportTail(report, at))
    ?? (heapLimitArmed ? tailThrough(here, isHeapSnapshotName, HEAP_LIMIT_SNAPSHOT, at) : null)
    ?? (heapProfileArmed ? tailThrough(here, isHeapProfileName, HEAP_LIMIT_PROFILE, at) : null)
    ?? (tracing ? tailThrough(here, isTraceName, TRACE_FILE, at) : null)
    ?? (cache ? tailThrough(cache, anyName, CACHE_ENTRY, at) : null);
  if (tail === null) return null;
  const target = resolveTarget(`${to}${tail}`, true);
  if (!symlink && target === `${resolveTarget(to, false)}${tail}`) return null;
  return checkWrite(target);
}

function isTracing(): boolean {
  const categories = enabledTraceCategories === null ? undefined : enabledTraceCategories();
  return categories !== undefined && categories !== '';
}

function reportTail(report: Report, at: string): string | null {
  const name = report.filename;
  if (name === 'stdout' || name === 'stderr') return null;
  const directory = report.directory;
  const file = name === '' ? `report.${pid}.json` : name;
  const path = absolutePath(directory === '' ? file : `${directory}/${file}`); // joined as Node's C++ joins them
  const slash = StringPrototypeLastIndexOf(path, '/');
  const base = StringPrototypeSlice(path, slash + 1);
  const matches = name === '' ? isReportName : (candidate: string) => candidate === base;
  return tailThrough(slash <= 0 ? '/' : StringPrototypeSlice(path, 0, slash), matches, base, at);
}

/**
 * For a writer that will write a file in `dir` (a name that `matches`; `representative` stands for it): the rest of
 * its path after `at` (resolved, last component not followed), '' when `at` is the file; null when `at` is not on its way.
 */
function tailThrough(dir: string, matches: (name: string) => boolean, representative: string, at: string): string | null {
  const slash = StringPrototypeLastIndexOf(at, '/');
  if ((slash <= 0 ? '/' : StringPrototypeSlice(at, 0, slash)) === resolveTarget(dir, true) && matches(StringPrototypeSlice(at, slash + 1))) return '';
  for (let end = StringPrototypeIndexOf(dir, '/', 1); ; end = StringPrototypeIndexOf(dir, '/', end + 1)) {
    const prefix = end < 0 ? dir : StringPrototypeSlice(dir, 0, end);
    if (prefix !== '/' && resolveTarget(prefix, false) === at) return `${end < 0 ? '' : StringPrototypeSlice(dir, end)}/${representative}`;
    if (end < 0) return null;
  }
}

function anyName(): boolean {
  return true;
}

/**
 * `module.enableCompileCache(dir)`: Node's C++ writes each module's cache entry into a directory of `dir` it names
 * itself (`<version>-<arch>-<hash>-<uid>`) at exit or flush, through whatever is there by then. A symlink in its place
 * sent the entries into a directory the rules let the program write nothing into (until 2026-11-23). Each entry of
 * `dir` is decided as a write of an entry through it; links made later are decided by checkArmedRedirect.
 */
export function checkCompileCachePlanted(dir: string): GovernanceDeniedError | null {
  const names = directoryNames(dir);
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    if (typeof name !== 'string') continue;
    const denied = checkWritePath(`${name}/${CACHE_ENTRY}`, dir);
    if (denied !== null) return denied;
  }
  return null;
}

function isReportName(name: string): boolean {
  return StringPrototypeStartsWith(name, 'report.') && StringPrototypeEndsWith(name, '.json');
}

function isHeapSnapshotName(name: string): boolean {
  return StringPrototypeStartsWith(name, 'Heap.') && StringPrototypeEndsWith(name, '.heapsnapshot');
}

function isHeapProfileName(name: string): boolean {
  return StringPrototypeStartsWith(name, 'Heap.') && StringPrototypeEndsWith(name, '.heapprofile');
}

function isTraceName(name: string): boolean {
  return StringPrototypeStartsWith(name, 'node_trace.') && StringPrototypeEndsWith(name, '.log');
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
  return checkStdio(options) ?? checkPreopens(options.preopens);
}

const STDIO = ['stdin', 'stdout', 'stderr'];

/**
 * A WASI program may write, seek and truncate its stdin, stdout and stderr descriptors as files, whichever role they
 * have: given one of the audit database's own descriptors (its `-wal`), it overwrote the log's pages and left it
 * malformed (until 2026-11-23). Decided as a write through the descriptor, as fs and a child's stdio are.
 */
function checkStdio(options: Record<string, unknown>): GovernanceDeniedError | null {
  for (let i = 0; i < STDIO.length; i++) {
    const denied = checkForeignDescriptor(options[STDIO[i]]);
    if (denied !== null) return denied;
  }
  return null;
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

/**
 * Whether each WASI instance being constructed was asked to end the process on `proc_exit` (`returnOnExit: false`), a
 * stack: a getter in the options' arrays can construct another one in between.
 */
const exitingInstances = primordials.newList<boolean>();

function decideWasi(args: unknown[]): GovernanceDeniedError | null {
  const denied = checkedWasiOptions(args);
  if (denied === null) exitingInstances[exitingInstances.length] = (args[0] as { returnOnExit?: unknown }).returnOnExit === false;
  return denied;
}

/**
 * With `returnOnExit: false`, a WASI program's `proc_exit` ends the process from C (uvwasi calls exit()), with no 'exit'
 * event: every allowed entry queued since the last commit was lost (until 2026-11-23). It ends it through
 * process.reallyExit instead, which commits the log first (kernel/lifecycle.ts), with the same exit code. Likewise
 * `proc_raise`, which signals this process from C (KILL), commits first, as process.kill of itself does.
 */
function exitThroughGovernance(reallyExit: Function): (result: unknown, threw: boolean) => unknown {
  return (result, threw) => {
    const exits = exitingInstances[exitingInstances.length - 1];
    exitingInstances.length--;
    const imports = threw ? null : (result as { wasiImport?: unknown }).wasiImport;
    if (typeof imports !== 'object' || imports === null) return result;
    if (exits) {
      setImport(imports, function proc_exit(code: unknown): unknown {
        return apply(reallyExit, process, [(code as number) >>> 0]);
      });
    }
    const raise = (imports as { proc_raise?: unknown }).proc_raise;
    // proc_raise signals this process from C (proc_raise(KILL) lost the queued entries): they are committed first.
    if (typeof raise === 'function') {
      setImport(imports, function proc_raise(signal: unknown): unknown {
        commitQueued();
        return apply(raise, imports, [signal]);
      });
    }
    return result;
  };
}

function setImport(imports: object, fn: Function): void {
  defineProperty(imports, fn.name, { __proto__: null, value: fn, writable: true, enumerable: true, configurable: true } as PropertyDescriptor);
}

function installWasiHooks(): void {
  const wasi = loadBuiltinQuietly<{ WASI: Function }>('node:wasi');
  if (wasi === null) return;
  // Captured now: governance's own wrapper (the audit log is committed before the process ends).
  const reallyExit = (process as unknown as { reallyExit: Function }).reallyExit;
  guardConstructor(wasi, 'WASI', decideWasi, exitThroughGovernance(reallyExit));
}

export function installDiagnosticsHooks(): void {
  installHeapSnapshotHooks();
  installReportHooks();
  installTraceHooks();
  installWasiHooks();
  guardMethod(process as unknown as Record<string, unknown>, 'chdir', checkChdir);
}
