// A process's memory as a file: /proc/<pid>/mem and /proc/<pid>/task/<tid>/mem (what /proc/self/mem and
// /proc/thread-self/mem resolve to). Writing it rewrites running code and data, governance's closures included,
// past every page protection; reading it reads the signing key the audit writer holds. Either is refused as a
// `runtime_bypass` violation whatever the rules say, for this process and any other the user could trace.
import type { GovernanceDeniedError } from '../kernel/errors';
import { checkViolation } from '../kernel/gate';
import { primordials } from '../primordials';

const { StringPrototypeEndsWith, StringPrototypeStartsWith, StringSplit } = primordials;

function isProcessMemory(target: string): boolean {
  if (!StringPrototypeStartsWith(target, '/proc/') || !StringPrototypeEndsWith(target, '/mem')) return false;
  const parts = StringSplit(target, '/'); // ['', 'proc', pid, 'mem'] or ['', 'proc', pid, 'task', tid, 'mem']
  return parts.length === 4 || (parts.length === 6 && parts[3] === 'task');
}

/** The refusal of `kind` on `target` when it is a process's memory, else null. */
export function checkProcessMemory(kind: 'file_read' | 'file_write', target: string): GovernanceDeniedError | null {
  if (!isProcessMemory(target)) return null;
  return checkViolation(kind, target, 'runtime_bypass', kind === 'file_write'
    ? 'writing a process\'s memory rewrites running code, governance\'s own included'
    : 'reading a process\'s memory reads the audit log\'s signing key');
}
