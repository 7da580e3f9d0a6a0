// Asks the kernel about one file target for a READ/WRITE kind set.
import type { GovernanceDeniedError } from '../kernel/errors';
import { READ, TREE, WRITE } from './fs-routes';
import { checkRead, checkTreeRead } from './log-files';
import { checkWrite } from './rules-files';

/**
 * Checks file_read and/or file_write for `target`; the first denial wins. `coveredRead`: an allowed read is
 * not recorded, a recorded decision stands for it (see checkCoveredRead).
 */
export function checkKinds(kinds: number, target: string, coveredRead = false): GovernanceDeniedError | null {
  if ((kinds & READ) !== 0) {
    const denied = (kinds & TREE) !== 0 ? checkTreeRead(target) : checkRead(target, coveredRead);
    if (denied !== null) return denied;
  }
  return (kinds & WRITE) !== 0 ? checkWrite(target) : null;
}
