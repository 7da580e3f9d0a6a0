// The user frame that caused a decision, read from V8 call sites with our own prepareStackTrace
// (captured at load), so a user-installed prepareStackTrace or stackTraceLimit cannot spoof it.
import nodePath = require('node:path');
import { primordials } from '../primordials';

// Captured at load: user code can replace these modules' functions.
const { resolve } = nodePath;

const { StringPrototypeStartsWith, StringPrototypeLastIndexOf, StringPrototypeIndexOf, StringPrototypeSlice } = primordials;
// Captured: the global is the program's to replace, and its answer was the caller's file (until 2026-11-23).
const decodeComponent = decodeURIComponent;
const captureStackTrace = Error.captureStackTrace;
const packageDist = resolve(__dirname, '..', '..') + '/';
const NODE_MODULES = '/node_modules/';

export interface CallerSite {
  /** Absolute file path (or URL for ESM frames that are not files). */
  readonly file: string;
  readonly line: number;
  /** The npm package the file belongs to, or null for the application's own files. */
  readonly packageName: string | null;
  /** A name the program gave in other than normal form (see normalised): `file` is read lexically and names no caller for rules. */
  readonly lexical: boolean;
}

interface CallSite {
  getFileName(): string | null | undefined;
  getLineNumber(): number | null;
}

function collectCallSites(_error: Error, sites: CallSite[]): CallSite[] {
  return sites;
}

/**
 * Names given to code compiled from a string (vm's `filename`, a SourceTextModule's `identifier`): V8 names such
 * code's frames after them, so a frame with one of these names may not be the file's own code and carries no package.
 * Until 2026-11-23 `vm.runInThisContext(code, { filename: '<project>/node_modules/good-pkg/index.js' })` made the
 * code's calls count as good-pkg's, and its `from` rules allowed them.
 */
const compiledNames = new primordials.SafeSet<string>();

/** Notes `name` (as the vm API was handed it) as a name of code compiled from a string. */
export function noteCompiledName(name: string): void {
  let file = name;
  if (StringPrototypeStartsWith(file, 'file://')) {
    try {
      file = pathOfFileUrl(file);
    } catch {
      return; // V8 reports it as given, which is no file of a package
    }
  }
  primordials.SetPrototypeAdd(compiledNames, normalised(file));
}

/**
 * The nearest frame outside Node's internals and this package, or null when there is none. Throws when the program
 * locked the slots call sites are read through (see primordials.stackTraceSlots): the caller cannot be known.
 */
export function captureCallerSite(): CallerSite | null {
  const holder: { stack?: CallSite[] } = {};
  const saved = primordials.stackTraceSlots(collectCallSites, 30);
  try {
    captureStackTrace(holder, captureCallerSite);
    const sites = holder.stack;
    if (!primordials.isArray(sites)) return null;
    // By index: a for-of would run Array.prototype[Symbol.iterator], which the program can replace with one that
    // yields a forged call site (until 2026-11-22 that made a per-package allow apply to the program's own code).
    const count = sites.length;
    for (let i = 0; i < count; i++) {
      const site = sites[i];
      let file = site.getFileName();
      if (!file || StringPrototypeStartsWith(file, 'node:')) continue;
      if (StringPrototypeStartsWith(file, 'file://')) file = pathOfFileUrl(file);
      const line = site.getLineNumber() ?? 0;
      const lexical = normalised(file);
      if (lexical !== file) return { file: lexical, line, packageName: null, lexical: true };
      if (StringPrototypeStartsWith(file, packageDist)) continue;
      return { file, line, packageName: primordials.SetPrototypeHas(compiledNames, file) ? null : packageOf(file), lexical: false };
    }
    return null;
  } catch {
    return null;
  } finally {
    primordials.restoreSlots(saved);
  }
}

/**
 * Node names every module it resolves in normal form; a name with `.`, `..` or empty segments is one the program gave
 * (`new Module(f).load(f)`), which V8 reports as given, and is recorded read lexically. Such a frame is no package's,
 * no file's for rules and not governance's own to skip: `pkg/../../app.js` is not pkg's, and read lexically
 * `ok/link/../../node_modules/pkg/x.js` named a file of pkg while the kernel, following the link the program made, had
 * loaded code the program wrote (borrowing pkg's `from` rules until 2026-11-23).
 */
function normalised(file: string): string {
  return StringPrototypeIndexOf(file, '/.') >= 0 || StringPrototypeIndexOf(file, '//') >= 0 ? resolve(file) : file;
}

/**
 * The file a `file:` URL names: its query and fragment are no part of it (`import('./app.mjs?/node_modules/pkg/x')`
 * runs app.mjs under a URL that read whole named a file of pkg, until 2026-11-23). Throws for a malformed escape.
 */
function pathOfFileUrl(url: string): string {
  let end = url.length;
  const query = StringPrototypeIndexOf(url, '?');
  const fragment = StringPrototypeIndexOf(url, '#');
  if (query >= 0) end = query;
  if (fragment >= 0 && fragment < end) end = fragment;
  return decodeComponent(StringPrototypeSlice(url, 7, end));
}

/** `file:line` of the caller, for audit entries. */
export function captureCaller(): string | null {
  let site: CallerSite | null;
  try {
    site = captureCallerSite();
  } catch {
    return null; // only for the record: the decision does not depend on it
  }
  return site === null ? null : `${site.file}:${site.line}`;
}

/** `lodash` for `/app/node_modules/lodash/x.js`, `@scope/pkg` for scoped packages, else null. */
export function packageOf(file: string): string | null {
  if (!StringPrototypeStartsWith(file, '/')) return null; // a URL of code that is no file (data:, blob:) is no package's
  const at = StringPrototypeLastIndexOf(file, NODE_MODULES);
  if (at < 0) return null;
  const rest = StringPrototypeSlice(file, at + NODE_MODULES.length);
  const first = StringPrototypeIndexOf(rest, '/');
  if (first < 0) return null;
  if (!StringPrototypeStartsWith(rest, '@')) return StringPrototypeSlice(rest, 0, first);
  const second = StringPrototypeIndexOf(rest, '/', first + 1);
  return second < 0 ? null : StringPrototypeSlice(rest, 0, second);
}
