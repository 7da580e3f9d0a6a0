// Governance's own actions that go through governed APIs: the checkpoint sink command, which the operator
// configured and which must run whatever the program's rules say, and also while a decision is in progress (a
// durable denial signs a checkpoint inside its decision). The kernel decides and records nothing inside `asGovernance`.

let depth = 0;

export function asGovernance<T>(work: () => T): T {
  depth++;
  try {
    return work();
  } finally {
    depth--;
  }
}

/** Whether governance's own work is in progress (asGovernance). */
export function isOwnWork(): boolean {
  return depth !== 0;
}
