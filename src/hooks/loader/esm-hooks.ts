// Runs in Node's module-hooks thread (module.register, Node < 22.15), where the kernel is not loaded.
// The load hook asks the main thread for each decision and waits; a denial fails the import with an
// error shaped like GovernanceDeniedError (code EGOVDENIED). Only `load` is hooked: Node calls it
// asynchronously, so the main thread is free to answer (a sync resolve, e.g. import.meta.resolve,
// would block the main thread while it waits on this thread).
import type { MessagePort } from 'node:worker_threads';
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

function ask(request: Omit<DecisionRequest, 'id'>): Promise<DecisionReply> {
  const id = nextId++;
  return new Promise((resolve) => {
    // Node ends this thread when its event loop is empty: keep the port alive until the answer comes.
    if (waiting.size === 0) port!.ref();
    waiting.set(id, resolve);
    port!.postMessage({ id, ...request } satisfies DecisionRequest);
  });
}

function denialError(details: DenialDetails): Error {
  return Object.assign(new Error(details.message), { name: 'GovernanceDeniedError', code: 'EGOVDENIED', ...details });
}

export async function load(url: string, context: unknown, nextLoad: (url: string, context: unknown) => Promise<unknown>): Promise<unknown> {
  const action = actionOfUrl(url);
  if (action !== null && port !== null) {
    const reply = await ask(action);
    if (reply.denial !== null) throw denialError(reply.denial);
  }
  return nextLoad(url, context);
}
