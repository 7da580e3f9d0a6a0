// Governs module loading. CommonJS: `Module._load` (require, createRequire, module.require) decides
// `module_load` before Node resolves from its cache or runs anything; `Module#load` re-checks a file
// loaded by any other road; `Module#_compile` of anything but the file being loaded is `code_eval:
// module-compile`. Also `process.getBuiltinModule`, `module.register` (the loader itself is the target, and
// code_eval:module-compile) and `module.registerHooks`. ESM imports are governed by modules-esm.
import Module = require('node:module');
import nodePath = require('node:path');
import nodeUrl = require('node:url');
import { types } from 'node:util';
import { isMainThread } from 'node:worker_threads';
import { checkLoad, kernelLevel, recordEvent, rulesAllow } from '../kernel/gate';
import { GovernanceDeniedError } from '../kernel/errors';
import { blocks } from '../kernel/level';
import { noteCompiledName } from '../kernel/caller';
import { primordials } from '../primordials';
import { checkCodeEval } from './code-eval';
import { refuseBypass } from './internals-bypass';
import { lockProperty, shapeLike } from './lock';
import { learnResolverRealpathKey, markLoaderResolving, markLoaderSource } from './fs';
import { esmHooksOffThread, installEsmHooks } from './modules-esm';
import { adoptIfOwn, isOwnParent, isOwnRequest, loadOwn } from './own-modules';
import { checkSourceMapReads } from './source-maps';
import { resolveTarget } from './fs-paths';
import { evalFlag } from './spawn-flags';
import { builtinTarget, fileTarget, isCodeUrl, packageOfSpecifier, preservesSymlinks, resolvedFileTarget } from './modules-target';

// Captured at load: user code can replace these modules' functions.
const { join, resolve } = nodePath;
const { fileURLToPath, pathToFileURL } = nodeUrl;

const reflectGet = Reflect.get;
const setPrototypeOf = Reflect.setPrototypeOf;
const { apply, getOwnPropertyDescriptor, getPrototypeOf, hasOwn, objectKeys, setElement, MapPrototypeGet, MapPrototypeSet, StringPrototypeStartsWith } = primordials;
const { isProxy } = types;

interface CjsModule {
  filename: string | null;
  path?: string;
}

interface ModuleInternals {
  _load: Function;
  _resolveFilename: Function;
  _findPath: Function;
  _resolveLookupPaths: Function;
  _nodeModulePaths: Function;
  prototype: { load: Function; _compile: Function };
  wrap: unknown;
  wrapper: readonly string[];
  _extensions: Record<string, unknown>;
  register?: Function;
  registerHooks?: Function;
  _cache: Record<string, unknown>;
}

const M = Module as unknown as ModuleInternals;
const originalResolveFilename = M._resolveFilename;
const originalFindPath = M._findPath;
const originalResolveLookupPaths = M._resolveLookupPaths;
const originalNodeModulePaths = M._nodeModulePaths;
const originalWrap = M.wrap;
const originalWrapper = M.wrapper;
const [wrapperHead, wrapperTail] = M.wrapper;

/** Throws the denial for `module_load:target`, if any. */
export function checkModuleLoad(target: string): void {
  const denied = checkLoad(target);
  if (denied !== null) throw denied;
}

// The file `Module._load` just approved; `Module#load` of that file is not checked a second time.
let approvedFile: string | null = null;
// Modules whose `load` is running (nested requires stack up); their own `_compile` is a file load.
const loading = primordials.newList<CjsModule>();
let loadingDepth = 0;
// Parent directory → request → the filename decided for it, as Node's own relativeResolveCache. Two levels, so
// that a lookup builds no key string: both strings are Node's own and hash once.
const resolved = new primordials.SafeMap<string, Map<string, string>>();
// The require() whose resolution Node is about to make inside Module._load: governedResolveFilename decides it.
let pendingRequest: string | null = null;
let pendingParent: unknown = null;
// The filename the pending require() was decided as from `resolved`: the same answer from Node is not decided twice.
let pendingKnown: string | undefined;

function knownFilename(request: string, parent: CjsModule | undefined): string | undefined {
  const dir = parent?.path;
  const byRequest = dir === undefined ? undefined : MapPrototypeGet(resolved, dir);
  return byRequest === undefined ? undefined : MapPrototypeGet(byRequest, request);
}

function rememberFilename(request: string, parent: CjsModule | undefined, filename: string): void {
  const dir = parent?.path;
  if (dir === undefined) return;
  let byRequest = MapPrototypeGet(resolved, dir);
  if (byRequest === undefined) MapPrototypeSet(resolved, dir, (byRequest = new primordials.SafeMap()));
  MapPrototypeSet(byRequest, request, filename);
}

/** The filename the program's current resolver gives, for a resolver that is not governance's; null on error. */
function resolveFirst(request: string, parent: CjsModule | undefined, isMain: unknown): string | null {
  try {
    return apply(M._resolveFilename, M, [request, parent, isMain]) as string;
  } catch {
    return null; // Node resolves again and throws its own error
  }
}

/** Node's resolver calls these through `Module`: a replaced one would run the program's code inside it. */
function resolverIntact(): boolean {
  return M._findPath === originalFindPath && M._resolveLookupPaths === originalResolveLookupPaths && M._nodeModulePaths === originalNodeModulePaths;
}

/** Decides the load of a resolved `filename`; it is then approved for Module#load (or, a builtin, for loading). */
function decideFile(filename: string, followLinks = false): void {
  const builtin = builtinTarget(filename);
  checkModuleLoad(builtin ?? (followLinks ? fileTarget(resolveTarget(filename, true)) : resolvedFileTarget(filename)));
  approvedFile = filename;
  if (builtin !== null) approvedBuiltin = filename;
}

// The builtin name (as Node looks it up in Module._cache) that Module._load just decided; not decided a second time.
let approvedBuiltin: string | null = null;

/**
 * Module._cache, read by Node's Module._load with the filename it is about to load, before it loads a builtin
 * by that name (`canBeRequiredWithoutScheme(filename)`): the one place every road to a builtin in Module._load
 * passes, whatever produced the name. A builtin name read there that Module._load did not just decide is decided
 * here. Until 2026-11-23 a program resolver that answered an allowed file to the check and `child_process` to
 * Node (a second call, or one swapped in from a `parent.path` getter Node reads in between), or Node 24+'s
 * `Module._load(request, parent, isMain, { resolved })`, handed the program a builtin a rule denied, undecided.
 */
function governedModuleCache(cache: Record<string, unknown>): Record<string, unknown> {
  const handler: ProxyHandler<Record<string, unknown>> = {
    get(target, key) {
      if (typeof key === 'string' && !StringPrototypeStartsWith(key, 'node:')) {
        const builtin = builtinTarget(key);
        if (builtin !== null) {
          if (approvedBuiltin === key) approvedBuiltin = null;
          else checkModuleLoad(builtin);
        }
      }
      return reflectGet(target, key);
    },
  };
  setPrototypeOf(handler, null);
  return new Proxy(cache, handler);
}

/**
 * Module._load. A builtin is decided at once. A file is decided from the filename it resolved to before, or,
 * the first time, inside Node's own resolution (governedResolveFilename), so that it is resolved once. A
 * resolver the program installed is run first instead, and its answer decided.
 */
function governedLoad(this: unknown, request: unknown, parent: CjsModule | undefined, isMain: unknown): unknown {
  const args = arguments; // forwarded whole: no rest array, no spread on every require()
  if (typeof request !== 'string') {
    // Node converts the request to a string where it needs one (a `node:` name loads that builtin): once, here,
    // so that an object's toString cannot name one module to the check and another to Node.
    request = `${request as string}`;
    setElement(args as unknown as unknown[], 0, request);
  }
  const savedRequest = pendingRequest;
  const savedParent = pendingParent;
  const savedKnown = pendingKnown;
  try {
    if (typeof request === 'string') {
      const builtin = builtinTarget(request);
      if (builtin !== null) {
        checkModuleLoad(builtin);
        approvedBuiltin = request;
      }
      else if (isOwnParent(parent) || M._resolveFilename !== governedResolveFilename) {
        const filename = resolveFirst(request, parent, isMain);
        if (filename !== null && isOwnRequest(filename, parent)) return loadOwnFile(this, filename, args);
        // A program resolver's answer may name a link (Node's own resolver answers real paths): decided where it leads.
        if (filename !== null) decideFile(filename, true);
      } else {
        const known = knownFilename(request, parent);
        if (known !== undefined) decideFile(known);
        // Node resolves again unless its own cache has the module.
        pendingRequest = request;
        pendingParent = parent;
        pendingKnown = known;
      }
    }
    return apply(originalLoad, this, args);
  } finally {
    approvedFile = null;
    approvedBuiltin = null;
    pendingRequest = savedRequest;
    pendingParent = savedParent;
    pendingKnown = savedKnown;
  }
}

/** Module._resolveFilename: decides the resolution Node makes for the require() under way, if it is this one. */
function governedResolveFilename(this: unknown, request: unknown, parent: unknown): unknown {
  const deciding = pendingRequest !== null && request === pendingRequest && parent === pendingParent;
  if (deciding) pendingRequest = null;
  const wasResolving = markLoaderResolving(deciding && resolverIntact());
  let filename: unknown;
  try {
    filename = apply(originalResolveFilename, this, arguments);
  } finally {
    markLoaderResolving(wasResolving);
  }
  if (deciding && typeof filename === 'string' && filename !== pendingKnown) {
    decideFile(filename);
    rememberFilename(request as string, parent as CjsModule | undefined, filename);
  }
  return filename;
}

/** Governance requiring more of itself: not a decision of the program's. */
function loadOwnFile(self: unknown, filename: string, args: IArguments): unknown {
  approvedFile = filename;
  try {
    return loadOwn(filename, () => apply(originalLoad, self, args));
  } finally {
    approvedFile = null;
  }
}

function governedModuleLoad(this: CjsModule, filename: unknown): unknown {
  const args = arguments;
  entryStarted(filename);
  if (typeof filename === 'string') adoptIfOwn(this, filename);
  // Normalised: `node_modules/pkg/../../app.js` is app.js, not a file of pkg (Node loads it under that name as given).
  // Links followed: Node reads the file a link leads to, and `node_modules/.bin/<cli>` (a link into a package) was
  // decided as the package `.bin` until 2026-11-23, which loaded a denied package's files.
  if (typeof filename === 'string' && filename !== approvedFile) checkProgramLoad(filename);
  else if (typeof filename === 'string' && preservesSymlinks) noteWritableThroughLink(filename);
  approvedFile = null;
  loading[loadingDepth++] = this;
  const savedHandlerFor = handlerFor;
  handlerFor = this;
  try {
    return apply(originalModuleLoad, this, args);
  } finally {
    handlerFor = savedHandlerFor;
    loading[--loadingDepth] = undefined as unknown as CjsModule;
  }
}

/**
 * A module the program loads itself (`new Module(f).load(f)`), decided where its links lead. V8 names its frames `f`,
 * so a name that is not its file's real path carries no package: `tmp/l/node_modules/pkg/x.js`, with `tmp/l` a link the
 * program made to a directory it writes, ran the program's code as pkg's until 2026-11-23 (the rules did not let it
 * write under `tmp/l/`, only make the link).
 */
function checkProgramLoad(filename: string): void {
  const real = resolveTarget(resolve(filename), true);
  checkModuleLoad(fileTarget(real));
  if (real !== filename) noteCompiledName(filename);
}

/**
 * With links kept Node names a module by its link path, and the caller check asks whether the program may write that
 * name: `tmp/l/node_modules/pkg/x.js`, with `tmp/l` a link to `data/` the program writes, ran its code as pkg's. A name
 * whose real file the program may write carries no package, as the file itself would not.
 */
function noteWritableThroughLink(filename: string): void {
  const real = resolveTarget(resolve(filename), true);
  if (real !== filename && rulesAllow('file_write', real)) noteCompiledName(filename);
}

/** An ES module file allowed to load: with links kept, named as for CommonJS (noteWritableThroughLink). */
function importedFile(file: string): void {
  if (preservesSymlinks) noteWritableThroughLink(file);
}

function isLoading(module: unknown): boolean {
  for (let i = loadingDepth - 1; i >= 0; i--) if (loading[i] === module) return true;
  return false;
}

/**
 * The program given on the command line (`node -e`/`-p`, a script piped to stdin, an `eval: true`
 * worker's code) is the entry point, like a main file: Node compiles it once, as `<id>-wrapper` of a
 * module with that id, before any user code runs. That one compile is not a runtime evaluation.
 */
let commandLineEntry: string | null = !isMainThread ? '[worker eval]'
  : evalFlag(process.execArgv) !== null ? '[eval]'
  : process.argv.length === 1 || process.argv[1] === '-' ? '[stdin]' : null;

// Our own modules, which the preload entry may still load after the hooks are installed: by path (require)
// or by URL (an `--import` of the package after a `--require` of it, as a governed child's NODE_OPTIONS has).
const OWN_FILES = `${join(__dirname, '..', '..')}/`;
const OWN_URLS = pathToFileURL(OWN_FILES).href;

/**
 * Any other module loading first means the entry is a file (or an ESM URL): no command-line entry is
 * left to compile. A builtin (our ESM entry imports node:module) is never the entry.
 */
function entryStarted(filename: unknown): void {
  if (commandLineEntry === null) return;
  if (typeof filename === 'string' && (StringPrototypeStartsWith(filename, OWN_FILES) || StringPrototypeStartsWith(filename, OWN_URLS) || StringPrototypeStartsWith(filename, 'node:'))) return;
  commandLineEntry = null;
}

function isCommandLineEntry(module: CjsModule & { id?: unknown }, filename: unknown): boolean {
  if (commandLineEntry === null || module.id !== commandLineEntry || filename !== `${commandLineEntry}-wrapper`) return false;
  commandLineEntry = null;
  return true;
}

/**
 * The module one of Node's own extension handlers is loading: its one `_compile` of the source that handler
 * read from the file is a file load. A handler the program registered (`require.extensions['.txt'] = ...`)
 * compiles whatever string it likes, which is code generation: decided as code_eval.
 */
let nativeCompile: CjsModule | null = null;
/**
 * The module Module#load is loading, whose handler call is Node's: set by governedModuleLoad, taken by the first
 * handler call. A program calling a handler itself (`require.extensions['.js'](module, ...)`) gets no file load.
 */
let handlerFor: CjsModule | null = null;

function governedExtension(original: Function): Function {
  const wrapper = function (this: unknown, module: unknown, filename: unknown): unknown {
    const args = arguments;
    const saved = nativeCompile;
    const nodeCall = module === handlerFor;
    handlerFor = null;
    // A module object of the program's making could carry its own `_compile`, run while this is set; a filename
    // that is not a string runs the program's toString inside Node's handler (until 2026-11-22, compiling any string
    // there counted as the file's load).
    nativeCompile = nodeCall && typeof filename === 'string' && isPlainModule(module) && filename === module.filename ? module : null;
    const savedSource = markLoaderSource(nativeCompile !== null && isLoading(nativeCompile) ? filename as string : null);
    try {
      return apply(original, this, args);
    } finally {
      nativeCompile = saved;
      markLoaderSource(savedSource);
    }
  };
  return shapeLike(wrapper, original);
}

function isPlainModule(module: unknown): module is CjsModule {
  return typeof module === 'object' && module !== null && !isProxy(module) && getPrototypeOf(module) === M.prototype && !hasOwn(module, '_compile');
}

function governedCompile(this: CjsModule, content: unknown, filename: unknown): unknown {
  checkWrapperIntact();
  const fileLoad = this === nativeCompile && filename === this.filename && isLoading(this);
  if (fileLoad) {
    nativeCompile = null; // one compile per file the handler read
    markLoaderSource(null); // the module's own code runs next
    if (esmHooksOffThread()) requireEsmOffThread(this, arguments);
  }
  else if (!isCommandLineEntry(this, filename)) {
    checkCodeEval('module-compile');
    if (typeof filename === 'string') noteCompiledName(filename); // its frames are named so: no package identity (caller.ts)
  }
  const mapDenied = typeof content === 'string' && typeof filename === 'string' ? checkSourceMapReads(content, filename) : null;
  if (mapDenied !== null) throw mapDenied;
  return apply(originalCompile, this, arguments);
}

/**
 * Node 20 (and 22 before 22.15) can require() an ES module: its whole import graph then loads synchronously in
 * Node's internals, past the hooks thread that decides ES imports there, so its imports (a denied builtin, a
 * `data:` URL) were never decided. Such a require is refused as runtime_bypass (in development, recorded and
 * let through); a file Node would only detect as ES syntax is compiled as CommonJS where the level blocks, which
 * fails with Node's own "Cannot use import statement outside a module". The main module is imported, not required.
 */
function requireEsmOffThread(module: CjsModule & { id?: unknown }, args: IArguments): void {
  if (module.id === '.') return;
  const format = args[2];
  if (format === 'module') {
    const denied = refuseBypass('module_load', `${module.filename}`, 'require() of an ES module on this Node line (its imports would load undecided; use import(), or Node >= 22.15)');
    if (denied !== null) throw denied;
    return;
  }
  const level = kernelLevel();
  if (format !== undefined || level === null || !blocks(level)) return;
  setElement(args as unknown as unknown[], 2, 'commonjs');
  if (args.length < 3) (args as { length: number }).length = 3;
}

let tamperRecorded = false;

/**
 * `Module.wrap`/`Module.wrapper` are non-configurable accessors in Node, so they cannot be locked:
 * replacing them makes Node compile every later CommonJS module with injected source. Detected here.
 */
function checkWrapperIntact(): void {
  if (wrapperIntact()) return;
  const level = kernelLevel();
  if (level === null) return;
  const blocking = blocks(level);
  const reason = 'Module.wrap or Module.wrapper was replaced: CommonJS modules would be compiled with injected source';
  if (!tamperRecorded || blocking) recordEvent('code_eval', 'module-compile', blocking ? 'deny' : 'would_deny', reason, 'runtime_bypass', blocking);
  tamperRecorded = true;
  if (blocking) throw new GovernanceDeniedError({ action: 'code_eval', target: 'module-compile', ruleId: 'runtime_bypass', level, reason, violation: 'runtime_bypass' });
}

/**
 * Node's `wrap` reads `Module.wrapper[0]` and `[1]` again as it compiles, so a value read here proves nothing: a
 * getter (on a replaced `Module.wrapper`, or defined on Node's own array through its proxy) answered the check the
 * real head and Node an injected one (until 2026-11-23). Only Node's own array holding its own data values passes.
 */
function wrapperIntact(): boolean {
  if (M.wrap !== originalWrap || M.wrapper !== originalWrapper) return false;
  return holdsOwnValue(originalWrapper, 0, wrapperHead) && holdsOwnValue(originalWrapper, 1, wrapperTail);
}

function holdsOwnValue(list: readonly string[], index: number, value: string): boolean {
  const descriptor = getOwnPropertyDescriptor(list, index);
  return descriptor !== undefined && hasOwn(descriptor, 'value') && descriptor.value === value;
}

function governedGetBuiltinModule(this: unknown, id: unknown): unknown {
  const target = typeof id === 'string' ? builtinTarget(id) : null;
  if (target !== null) checkModuleLoad(target);
  return apply(originalGetBuiltinModule!, this, [id]);
}

/**
 * Module hooks, in-thread (module.registerHooks) or a loader's (module.register), can hand Node any source for any
 * module: code_eval:module-compile, as a string compiled as a module.
 */
function checkHookedSource(): void {
  checkCodeEval('module-compile');
}

/**
 * `module.register(specifier, parentURL | options)`: the loader module is the `module_load` target, and what it
 * does is code_eval:module-compile (it evaluated a string under an allowed module_load until 2026-11-22). The parent URL
 * (given, or the options' `parentURL`) is read and converted once and Node gets that string: a getter or toString
 * could otherwise name one directory to the check and another to Node (a bypass until 2026-11-22).
 */
function governedRegister(this: unknown, specifier: unknown, parentURL?: unknown, options?: unknown): unknown {
  const href = `${specifier as string}`;
  let given = parentURL;
  let rest = options;
  if (given !== null && typeof given === 'object' && !isUrlForNode(given)) {
    rest = given;
    given = (given as { parentURL?: unknown }).parentURL;
  }
  const parent = given === undefined || given === null ? undefined : `${given as string}`;
  if (isCodeUrl(href)) checkCodeEval('url');
  else checkModuleLoad(loaderTarget(href, parent));
  checkHookedSource();
  if (esmHooksOffThread()) throw registerWouldHang();
  return apply(originalRegister!, this, [href, parent, rest]);
}

/** Node's own test of a URL object (internal/url isURL). */
function isUrlForNode(value: object): boolean {
  const candidate = value as { href?: unknown; protocol?: unknown; auth?: unknown; path?: unknown };
  return Boolean(candidate.href && candidate.protocol && candidate.auth === undefined && candidate.path === undefined);
}

/**
 * On Node 20 (and 22 before 22.15) governance decides ES imports from Node's hooks thread by asking the main thread.
 * register() blocks the main thread until the new loader's modules have loaded through that same thread, whose
 * questions the main thread cannot answer while blocked: the process would hang. Refused with a clear error instead.
 */
function registerWouldHang(): Error {
  return Object.assign(new Error('module.register() cannot start a loader under governance on this Node line: the loader\'s modules load through governance\'s hooks thread while register() blocks the main thread that decides them, so the process would hang. Use Node >= 22.15 (in-thread hooks), where registered loaders work'), { code: 'ERR_GOVERNANCE_UNSUPPORTED' });
}

function loaderTarget(specifier: string, parentURL: string | undefined): string {
  const builtin = builtinTarget(specifier);
  if (builtin !== null) return builtin;
  if (StringPrototypeStartsWith(specifier, 'file:')) return fileTarget(fileURLToPath(specifier));
  if (StringPrototypeStartsWith(specifier, '/')) return fileTarget(specifier);
  if (StringPrototypeStartsWith(specifier, './') || StringPrototypeStartsWith(specifier, '../')) {
    const base = parentURL === undefined ? pathToFileURL(`${process.cwd()}/`).href : parentURL;
    return fileTarget(fileURLToPath(new URL(specifier, base)));
  }
  return packageOfSpecifier(specifier);
}

function governedRegisterHooks(this: unknown, ...args: unknown[]): unknown {
  checkHookedSource();
  return apply(originalRegisterHooks!, this, args);
}

const originalLoad = M._load;
const originalModuleLoad = M.prototype.load;
const originalCompile = M.prototype._compile;
const originalGetBuiltinModule = (process as { getBuiltinModule?: Function }).getBuiltinModule;
const originalRegister = M.register;
const originalRegisterHooks = M.registerHooks;

export function installModuleHooks(): void {
  // A path no earlier require() named, so Node's resolver takes a realpath of it (through the governed fs).
  learnResolverRealpathKey(() => apply(originalFindPath, M, [__filename, [], false]));
  // The ESM hooks are registered with the originals, before register/registerHooks are governed.
  installEsmHooks(originalRegister, originalRegisterHooks, entryStarted, importedFile);
  lockProperty(M, '_load', shapeLike(governedLoad, originalLoad));
  // Locked with the rest of governance's own modules at the end of activation (sealOwnModules).
  M._cache = governedModuleCache(M._cache);
  // Not locked: module-alias, tsconfig-paths and the like install resolvers of their own (see governedLoad).
  M._resolveFilename = shapeLike(governedResolveFilename, originalResolveFilename);
  lockProperty(M.prototype, 'load', shapeLike(governedModuleLoad, originalModuleLoad));
  lockProperty(M.prototype, '_compile', shapeLike(governedCompile, originalCompile));
  // Not locked: tools such as ts-node and @babel/register register handlers of their own (decided as code_eval).
  const extensions = M._extensions;
  const names = objectKeys(extensions);
  for (let i = 0; i < names.length; i++) {
    const handler = extensions[names[i]];
    if (typeof handler === 'function') extensions[names[i]] = governedExtension(handler);
  }
  if (originalGetBuiltinModule !== undefined) lockProperty(process, 'getBuiltinModule', shapeLike(governedGetBuiltinModule, originalGetBuiltinModule));
  if (originalRegister !== undefined) lockProperty(M, 'register', shapeLike(governedRegister, originalRegister));
  if (originalRegisterHooks !== undefined) lockProperty(M, 'registerHooks', shapeLike(governedRegisterHooks, originalRegisterHooks));
}
