// Asks the kernel about one file target for a READ/WRITE kind set.
import { checkAction } from '../kernel/gate';
import type { GovernanceDeniedError } from '../kernel/errors';
import { READ, WRITE } from './fs-routes';
import { checkWrite } from './rules-files';

/** Checks file_read and/or file_write for `target`; the first denial wins. */
export function checkKinds(kinds: number, target: string): GovernanceDeniedError | null {
  if ((kinds & READ) !== 0) {
    const denied = checkAction('file_read', target);
    if (denied !== null) return denied;
  }
  return (kinds & WRITE) !== 0 ? checkWrite(target) : null;
}
