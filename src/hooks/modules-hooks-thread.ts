// Node's own module-hooks thread (module.register on Node 20–22.14 starts it). Node 20 runs `--require`
// preloads in it too, so governance would activate a second time there; activation should skip it.
import workerThreads = require('node:worker_threads');

/** True in Node's internal module-hooks thread; user workers always have a parentPort. */
export function isModuleHooksThread(): boolean {
  if (workerThreads.isMainThread) return false;
  return (workerThreads as { isInternalThread?: boolean }).isInternalThread === true || workerThreads.parentPort === null;
}
