// Governs ESM loading (import, import(), imported builtins, data:/blob:/http(s): URLs). Where Node has
// in-thread hooks (module.registerHooks, Node ≥22.15) the check runs in the load hook directly. On
// older lines module.register runs hooks in a separate thread without our kernel: that thread's load
// hook asks the main thread through a MessagePort and waits for the decision (loader/esm-hooks).
import nodePath = require('node:path');
import nodeUrl = require('node:url');
import { types } from 'node:util';
import { MessageChannel, MessagePort } from 'node:worker_threads';
import type { GovernanceDeniedError } from '../kernel/errors';
import { checkAction } from '../kernel/gate';
import { refuseBypass } from './internals-bypass';
import { refuseToStart } from './own-flags';
import { warnOnce } from '../kernel/warn';
import { primordials } from '../primordials';
import { isModuleHooksThread } from './modules-hooks-thread';
import { actionOfUrl } from './modules-target';
import { markLoaderSource } from './fs';
import { resolveTarget } from './fs-paths';
import { checkRead } from './log-files';
import { checkSourceMapReads, mapsReadFor } from './source-maps';
import type { DecisionReply, DecisionRequest } from './loader/protocol';
import diagnosticsChannel = require('node:diagnostics_channel');
import { markOwnThread } from '../own-threads';

// Captured at load: user code can replace these modules' functions.
const { join } = nodePath;
const { fileURLToPath, pathToFileURL } = nodeUrl;
const { isArrayBufferView } = types;
const utf8 = new TextDecoder();
const decode = TextDecoder.prototype.decode;

const { apply, StringPrototypeStartsWith } = primordials;
// Captured at load: the program can replace MessagePort.prototype.postMessage, which would let it rewrite a denial
// on its way to Node's hooks thread into an allowance (Node 20: `import('node:child_process')` loaded, denied but
// not enforced, until 2026-11-23). The port's `on` is called once, at start-up, before any program code.
const postMessage = MessagePort.prototype.postMessage;

interface LoadContext {
  conditions?: readonly string[];
}

let onImport: (filename: string) => void = () => {};
let onImportFile: (filename: string) => void = () => {};
// Whether imports are decided from Node's hooks thread (module.register), not in-thread.
let offThread = false;

/** True when ES imports are decided from Node's hooks thread (Node 20, and 22 before 22.15). */
export function esmHooksOffThread(): boolean {
  return offThread;
}

/**
 * require() runs through these hooks too; Module._load decides it, and marks the loader's reads itself. Node's
 * conditions for a require() start with `require` (`['require', 'node', ...]`), an import's with `['node', 'import']`,
 * and the operator's `--conditions` (`-C`) come after either: an import under `-C require` has `require` among its
 * conditions too, and was taken for a require() and never decided until 2026-11-23 (a denied builtin imported, a
 * `data:` URL run; Node 22.15+, 24, 26), as in a worker or child given that flag.
 */
function isImport(context: LoadContext): boolean {
  const conditions = context.conditions;
  return conditions === undefined || conditions === null || conditions.length === 0 || conditions[0] !== 'require';
}

function inThreadLoad(url: string, context: LoadContext, nextLoad: (url: string, context: LoadContext) => LoadResult): LoadResult {
  let result: LoadResult;
  if (isImport(context)) {
    onImport(url);
    const action = actionOfUrl(url);
    if (action !== null) {
      const denied = checkAction(action.kind, action.target);
      if (denied !== null) throw denied;
    }
    // Node's default load reads the file once; that read is the module load just decided.
    const file = action !== null && action.kind === 'module_load' && StringPrototypeStartsWith(url, 'file:') ? fileURLToPath(url) : null;
    if (file !== null) onImportFile(file);
    const savedSource = markLoaderSource(file);
    try {
      result = nextLoad(url, context);
    } finally {
      markLoaderSource(savedSource);
    }
  } else {
    result = nextLoad(url, context);
  }
  const mapDenied = checkModuleSourceMaps(url, result);
  if (mapDenied !== null) throw mapDenied;
  return result;
}

interface LoadResult {
  format?: unknown;
  source?: unknown;
}

/** An ES module's map files, read as Node compiles it (CommonJS sources are decided at Module#_compile). */
function checkModuleSourceMaps(url: string, result: LoadResult): GovernanceDeniedError | null {
  if (result === null || typeof result !== 'object') return null;
  const { format, source } = result;
  if (format !== 'module' && format !== 'module-typescript') return null;
  const filename = StringPrototypeStartsWith(url, 'file:') ? fileURLToPath(url) : null;
  if (!mapsReadFor(filename)) return null;
  const text = typeof source === 'string' ? source : isArrayBufferView(source) ? apply(decode, utf8, [source]) as string : null;
  return text === null ? null : checkSourceMapReads(text, filename);
}

function answer(port: MessagePortLike, request: DecisionRequest): void {
  let denied: GovernanceDeniedError | null;
  if (request.kind === 'source_maps') {
    denied = checkModuleSourceMaps(request.target, { format: 'module', source: request.source });
  } else {
    onImport(request.target);
    denied = checkAction(request.kind, request.target);
    if (denied === null && typeof request.file === 'string') denied = checkRead(resolveTarget(request.file, true), true);
    if (denied === null && typeof request.file === 'string') onImportFile(request.file);
  }
  const reply: DecisionReply = { id: request.id, denial: denied === null ? null : { message: denied.message, action: denied.action, target: denied.target, ruleId: denied.ruleId, level: denied.level, reason: denied.reason, violation: denied.violation } };
  apply(postMessage, port, [reply]);
}

interface MessagePortLike {
  postMessage(value: unknown): void;
}

/** `importing` is called with the URL or target of each ESM load before it is decided; `importingFile` with the file of an allowed one. */
/**
 * module.register, with the hooks thread it starts marked as governance's own: Node hands that Worker to the program
 * (`process.on('worker')`), and its terminate() ended the process, its getHeapSnapshot() crashed it (Node 20).
 */
function registerAsOwnThread(register: Function, args: unknown[]): void {
  const mark = (message: unknown): void => markOwnThread((message as { worker: object }).worker);
  diagnosticsChannel.subscribe('worker_threads', mark);
  try {
    apply(register, undefined, args);
  } finally {
    diagnosticsChannel.unsubscribe('worker_threads', mark);
  }
}

export function installEsmHooks(register: Function | undefined, registerHooks: Function | undefined, importing: (urlOrTarget: string) => void, importingFile: (file: string) => void): void {
  onImport = importing;
  onImportFile = importingFile;
  if (registerHooks !== undefined) {
    // No resolve hook: with one, Node sends every require() through URL conversions (+150k instructions per module).
    apply(registerHooks, undefined, [{ load: inThreadLoad }]);
    return;
  }
  if (register === undefined) return; // Node < 20.6: no ESM hooks; documented
  if (isModuleHooksThread()) return; // preloads run there too; hooks cannot be registered from it
  const { port1, port2 } = new MessageChannel();
  port1.on('message', (request: DecisionRequest) => answer(port1, request));
  port1.unref();
  const loader = pathToFileURL(join(__dirname, 'loader', 'esm-hooks.mjs')).href; // generated by scripts/build-esm-entry.js
  try {
    registerAsOwnThread(register, [loader, { data: { port: port2 }, transferList: [port2] }]);
    offThread = true;
  } catch (error) {
    port1.close();
    const message = String((error as Error | null)?.message);
    // Node's permission model without --allow-worker forbids the hooks thread (ERR_ACCESS_DENIED); it fences the
    // files itself. Any other failure leaves every ES import undecided: refused as runtime_bypass.
    if ((error as { code?: unknown } | null)?.code !== 'ERR_ACCESS_DENIED') {
      refuseToStart(refuseBypass('module_load', 'esm-hooks', `ES module imports without governance's hooks (${message})`));
    }
    warnOnce(`ES module imports are not governed in this process: ${message}. Pass --allow-worker with --permission, or use Node >= 22.15`);
  }
}
