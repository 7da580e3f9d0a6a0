// Builtins governance patches at start-up but Node marks experimental (node:wasi, node:sqlite on Node 22):
// loaded without the ExperimentalWarning Node prints on a first load. A program that loads one later sees none.

/** The builtin `id`, or null where this Node (or this thread) does not have it. */
export function loadBuiltinQuietly<T>(id: string): T | null {
  const proc = process as unknown as { emitWarning: Function };
  const emitWarning = proc.emitWarning;
  proc.emitWarning = function quiet(): void {};
  try {
    return require(id) as T;
  } catch {
    return null;
  } finally {
    proc.emitWarning = emitWarning;
  }
}
