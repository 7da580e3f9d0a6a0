// Runs in Node's module-hooks thread (module.register, Node < 22.15), where the kernel is not loaded.
// The load hook asks the main thread for each decision and waits; a denial fails the import with an
// error shaped like GovernanceDeniedError (code EGOVDENIED). Only `load` is hooked: Node calls it
// asynchronously, so the main thread is free to answer (a sync resolve, e.g. import.meta.resolve,
// would block the main thread while it waits on this thread).
import { fileURLToPath } from 'node:url';
import type { MessagePort } from 'node:worker_threads';
import { primordials } from '../../primordials';
import type { ActionKind } from '../../types';
import { actionOfUrl } from '../modules-target';
import type { DecisionReply, DecisionRequest, DenialDetails } from './protocol';

let port: MessagePort | null = null;
let nextId = 1;
const waiting = new Map<number, (reply: DecisionReply) => void>();

export function initialize(data: { port: MessagePort }): void {
  port = data.port;
  port.on('message', (reply: DecisionReply) => {
    const resolve = waiting.get(reply.id);
    waiting.delete(reply.id);
    if (waiting.size === 0) port!.unref();
    resolve?.(reply);
  });
  port.unref();
}

type Question = { kind: ActionKind; target: string; file?: string } | { kind: 'source_maps'; target: string; source: string };

function ask(question: Question): Promise<DecisionReply> {
  const id = nextId++;
  return new Promise((resolve) => {
    // Node ends this thread when its event loop is empty: keep the port alive until the answer comes.
    if (waiting.size === 0) port!.ref();
    waiting.set(id, resolve);
    port!.postMessage({ id, ...question } as DecisionRequest);
  });
}

function denialError(details: DenialDetails): Error {
  return Object.assign(new Error(details.message), { name: 'GovernanceDeniedError', code: 'EGOVDENIED', ...details });
}

export async function load(url: string, context: unknown, nextLoad: (url: string, context: unknown) => Promise<LoadResult>): Promise<LoadResult> {
  const action = actionOfUrl(url);
  if (action !== null && port !== null) {
    // Node's default load reads the file here, out of the main thread's sight: the read is decided with the load.
    const file = action.kind === 'module_load' && StringPrototypeStartsWith(url, 'file:') ? fileURLToPath(url) : undefined;
    const reply = await ask({ ...action, file });
    if (reply.denial !== null) throw denialError(reply.denial);
  }
  const result = await nextLoad(url, context);
  // The main thread compiles the module and may read the files its sourceMappingURL comments name.
  const source = moduleSource(result);
  if (source !== null && StringPrototypeIndexOf(source, SOURCE_MAP_MARK) !== -1 && port !== null) {
    const reply = await ask({ kind: 'source_maps', target: url, source });
    if (reply.denial !== null) throw denialError(reply.denial);
  }
  return result;
}

interface LoadResult {
  format?: unknown;
  source?: unknown;
}

const SOURCE_MAP_MARK = 'sourceMappingURL=';
const { StringPrototypeIndexOf, StringPrototypeStartsWith } = primordials;
const utf8 = new TextDecoder();

function moduleSource(result: LoadResult): string | null {
  if (result === null || typeof result !== 'object' || result.format !== 'module') return null;
  const { source } = result;
  if (typeof source === 'string') return source;
  return ArrayBuffer.isView(source) ? utf8.decode(source as Uint8Array) : null;
}
