// Governance's own worker threads (the audit writer thread). A program can obtain their Worker objects all the same:
// Node hands every new Worker to `process.on('worker')` listeners and to the `worker_threads` diagnostics channel.
// The Worker methods that could act on such a thread for the program ask here.
const threads = new WeakSet<object>();
const add = WeakSet.prototype.add;
const has = WeakSet.prototype.has;
const { apply } = Reflect;

export function markOwnThread(worker: object): void {
  apply(add, threads, [worker]);
}

export function isOwnThread(worker: unknown): boolean {
  return typeof worker === 'object' && worker !== null && apply(has, threads, [worker]) as boolean;
}
