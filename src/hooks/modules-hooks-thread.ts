// Node's own module-hooks thread (module.register on Node 20–22.14 starts it). Node 20 runs `--require`
// preloads in it too, so governance would activate a second time there; activation should skip it.
import workerThreads = require('node:worker_threads');
import nodeModule = require('node:module');

/** True in Node's internal module-hooks thread; user workers always have a parentPort. */
export function isModuleHooksThread(): boolean {
  if (workerThreads.isMainThread) return false;
  return (workerThreads as { isInternalThread?: boolean }).isInternalThread === true || workerThreads.parentPort === null;
}

/**
 * In the hooks thread, the `--require` preloads after governance's are not run. That thread is not governed (it only
 * relays load decisions), yet Node 20 ran every preload there a second time: `node -r ./evil.cjs app.js` started by a
 * governed program wrote into a denied directory and spawned programs from there (until 2026-11-23), while the same
 * file was governed in the main thread. Node loads each preload through `Module._load` with a parent module named
 * `internal/preload`; governance's own preload comes first in a governed child, so it sees every later one. They still
 * run, governed, in the main thread.
 */
export function skipLaterPreloads(): void {
  const Module = nodeModule as unknown as { _load: Function };
  const load = Module._load;
  Module._load = function (this: unknown, request: unknown, parent: { id?: unknown } | null | undefined, isMain: unknown): unknown {
    if (parent !== null && typeof parent === 'object' && parent.id === 'internal/preload') return {};
    return Reflect.apply(load, this, [request, parent, isMain]);
  };
}
