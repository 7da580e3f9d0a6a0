// Metadata changes through a descriptor: fchmod, fchown, futimes and FileHandle#chmod/chown/utimes act on the
// file whatever mode the descriptor was opened in (the kernel checks ownership, not the open's access mode), so
// a file opened for reading could be made writable by anyone. Each is decided as file_write of the file the
// descriptor names (its /proc/self/fd link); a descriptor of no file (a pipe, a socket) decides nothing.
import fs = require('node:fs');
import type { GovernanceDeniedError } from '../kernel/errors';
import { primordials } from '../primordials';
import { lockProperty, shapeLike } from './lock';
import { checkWrite } from './rules-files';
import { surfaceError, type ApiForm } from './surface';

const { apply, StringPrototypeStartsWith } = primordials;
const readlink = fs.readlinkSync;
const OwnError = Error;

function fileOf(fd: unknown): string | null {
  if (typeof fd !== 'number') return null; // Node rejects it
  const savedLimit = OwnError.stackTraceLimit;
  OwnError.stackTraceLimit = 0;
  try {
    const target = apply(readlink, fs, [`/proc/self/fd/${fd}`]) as string;
    return StringPrototypeStartsWith(target, '/') ? target : null;
  } catch {
    return null; // not open: Node reports EBADF
  } finally {
    OwnError.stackTraceLimit = savedLimit;
  }
}

function decideDescriptor(fd: unknown): GovernanceDeniedError | null {
  const file = fileOf(fd);
  return file === null ? null : checkWrite(file);
}

function wrapDescriptorApi(original: Function, form: ApiForm): Function {
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    const denied = decideDescriptor(args[0]);
    if (denied !== null) return surfaceError(form, denied, args);
    return apply(original, this, args);
  };
  return shapeLike(wrapper, original);
}

const METHODS = ['fchmod', 'fchown', 'futimes'];

export function installDescriptorHooks(): void {
  const fsModule = fs as unknown as Record<string, Function>;
  for (let i = 0; i < METHODS.length; i++) {
    const name = METHODS[i];
    lockProperty(fsModule, name, wrapDescriptorApi(fsModule[name], 'callback'));
    lockProperty(fsModule, `${name}Sync`, wrapDescriptorApi(fsModule[`${name}Sync`], 'sync'));
  }
}

const HANDLE_METHODS = ['chmod', 'chown', 'utimes'];

/** FileHandle's own chmod, chown and utimes, on its prototype (known once the first handle is opened). */
export function governFileHandleMetadata(proto: Record<string, unknown>): void {
  for (let i = 0; i < HANDLE_METHODS.length; i++) {
    const original = proto[HANDLE_METHODS[i]];
    if (typeof original !== 'function') continue;
    const wrapper = function (this: { fd?: unknown }, ...args: unknown[]): unknown {
      const denied = decideDescriptor(this?.fd);
      if (denied !== null) return surfaceError('promise', denied, args);
      return apply(original, this, args);
    };
    lockProperty(proto, HANDLE_METHODS[i], shapeLike(wrapper, original));
  }
}
