// Governance's own child process: the checkpoint sink command, which the operator configured and which must run
// whatever the program's rules say, also while a decision is in progress (a durable denial signs a checkpoint
// inside its decision). Only that exact command line is let through undecided: Node's spawnSync assigns to objects
// it builds, which runs any setter the program put on Object.prototype, so everything else done meanwhile is still
// decided (or, inside a decision, refused). The program could run the same sink command itself; it cannot sign
// what it feeds it.

import { primordials } from '../primordials';

const { isArray } = primordials;
let expected: { file: string; args: readonly string[] } | null = null;

/** Runs `work`, during which a spawn of exactly `file` with `args` is governance's own (isOwnSpawn). */
export function asOwnSpawn<T>(file: string, args: readonly string[], work: () => T): T {
  const saved = expected;
  expected = { file, args };
  try {
    return work();
  } finally {
    expected = saved;
  }
}

/** Whether a spawn of `file` with `args` (as Node hands them to its binding) is the one asOwnSpawn expects. */
export function isOwnSpawn(file: unknown, args: unknown): boolean {
  const own = expected;
  if (own === null || file !== own.file || !isArray(args) || args.length !== own.args.length) return false;
  for (let i = 0; i < args.length; i++) if (args[i] !== own.args[i]) return false;
  return true;
}
