// Calls that act on a file through a descriptor.
// - Metadata: fchmod, fchown, futimes and FileHandle#chmod/chown/utimes act on the file whatever mode the
//   descriptor was opened in (the kernel checks ownership, not the open's access mode), so a file opened for
//   reading could be made writable by anyone. Each is decided as file_write of the file the descriptor names
//   (its /proc/self/fd link); a descriptor of no file (a pipe, a socket) decides nothing.
// - Writes, truncation and close through a descriptor the program did not get from the governed fs.open: the
//   audit database's own descriptors (SQLite's) are small numbers a program can guess. Such a call is
//   refused as runtime_bypass when the descriptor names a file of the audit log. Descriptors from fs.open and
//   the standard ones are the program's own (authorised by their open) and cost one set lookup.
import fs = require('node:fs');
import type { GovernanceDeniedError } from '../kernel/errors';
import { primordials } from '../primordials';
import { lockProperty, shapeLike } from './lock';
import { checkLogWrite } from './log-files';
import { checkWrite } from './rules-files';
import { surfaceError, type ApiForm } from './surface';

const { apply, SetPrototypeAdd, SetPrototypeDelete, SetPrototypeHas, StringPrototypeStartsWith } = primordials;
const readlink = fs.readlinkSync;

function fileOf(fd: unknown): string | null {
  if (typeof fd !== 'number') return null; // Node rejects it
  const savedLimit = primordials.quietErrors();
  try {
    const target = apply(readlink, fs, [`/proc/self/fd/${fd}`]) as string;
    return StringPrototypeStartsWith(target, '/') ? target : null;
  } catch (error) {
    primordials.rethrowUnlessSystemError(error);
    return null; // not open: Node reports EBADF
  } finally {
    primordials.restoreErrors(savedLimit);
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
const WRITING_METHODS = ['write', 'writev', 'ftruncate', 'close'];

export function installDescriptorHooks(): void {
  const fsModule = fs as unknown as Record<string, Function>;
  for (let i = 0; i < METHODS.length; i++) {
    const name = METHODS[i];
    lockProperty(fsModule, name, wrapDescriptorApi(fsModule[name], 'callback'));
    lockProperty(fsModule, `${name}Sync`, wrapDescriptorApi(fsModule[`${name}Sync`], 'sync'));
  }
  for (let i = 0; i < WRITING_METHODS.length; i++) {
    const name = WRITING_METHODS[i];
    lockProperty(fsModule, name, wrapForeignDescriptorApi(fsModule[name], 'callback', name === 'close'));
    lockProperty(fsModule, `${name}Sync`, wrapForeignDescriptorApi(fsModule[`${name}Sync`], 'sync', name === 'close'));
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

/** Descriptors the program got from the governed fs.open/openSync, and the standard ones, until closed. */
const ownDescriptors = new primordials.SafeSet<number>();
SetPrototypeAdd(ownDescriptors, 0);
SetPrototypeAdd(ownDescriptors, 1);
SetPrototypeAdd(ownDescriptors, 2);

/** A write through `fd` when the program did not open it: refused when it names a file of the audit log. */
export function checkForeignDescriptor(fd: unknown): GovernanceDeniedError | null {
  if (typeof fd !== 'number' || SetPrototypeHas(ownDescriptors, fd)) return null;
  const file = fileOf(fd);
  return file === null ? null : checkLogWrite(file);
}

function noteOpened(fd: unknown): void {
  if (typeof fd === 'number') SetPrototypeAdd(ownDescriptors, fd);
}

/** fs.open/openSync (already governed by their path): the descriptor they return is the program's own. */
export function trackOpened(governed: Function, original: Function, form: ApiForm): Function {
  const wrapper = form === 'sync'
    ? function (this: unknown, ...args: unknown[]): unknown {
      const fd = apply(governed, this, args);
      noteOpened(fd);
      return fd;
    }
    : function (this: unknown, ...args: unknown[]): unknown {
      const last = args.length - 1;
      const callback = args[last];
      if (typeof callback === 'function') {
        args[last] = (error: unknown, fd: unknown) => {
          if (error === null || error === undefined) noteOpened(fd);
          return apply(callback, undefined, [error, fd]);
        };
      }
      return apply(governed, this, args);
    };
  return shapeLike(wrapper, original);
}

function wrapForeignDescriptorApi(original: Function, form: ApiForm, closes: boolean): Function {
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    const fd = args[0];
    const denied = checkForeignDescriptor(fd);
    if (denied !== null) return surfaceError(form, denied, args);
    if (closes && typeof fd === 'number') SetPrototypeDelete(ownDescriptors, fd);
    return apply(original, this, args);
  };
  return shapeLike(wrapper, original);
}

