// Node's fs errors name the path Node was handed (`err.path`, `err.dest` and the message). Under governance a
// relative path is handed over absolute (checkRoles), so that a later chdir cannot move it; the errors are given
// back the paths as the caller wrote them, as plain node reports them.
import nodePath = require('node:path');
import { primordials } from '../primordials';
import type { ApiForm } from './surface';

const { join, normalize } = nodePath;

const { apply, getOwnPropertyDescriptor, StringPrototypeIndexOf, StringPrototypeSlice, StringPrototypeStartsWith } = primordials;
const promiseThen = Promise.prototype.then;

/**
 * Calls `call` (Node's function, `args` already holding the absolute paths) for an API of `form`; `relatives` pairs
 * each absolute path with the relative one it was made from: [absolute, given, absolute, given...].
 */
export function reportingGivenPaths(form: ApiForm, args: unknown[], relatives: readonly string[], call: () => unknown): unknown {
  if (form === 'callback') {
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      args[last] = function (this: unknown, error: unknown): unknown {
        givenPathsIn(error, relatives);
        return apply(callback, this, arguments); // forwarded whole: a spread runs Array's iterator
      };
    }
  }
  if (form === 'promise') {
    return apply(promiseThen, call(), [undefined, (error: unknown) => {
      throw givenPathsIn(error, relatives);
    }]);
  }
  try {
    return call();
  } catch (error) {
    throw givenPathsIn(error, relatives);
  }
}

/** A system error (one with a `syscall`) gets the caller's paths back; anything else is returned as it is. */
function givenPathsIn(error: unknown, relatives: readonly string[]): unknown {
  if (typeof error !== 'object' || error === null || typeof ownValue(error, 'syscall') !== 'string') return error;
  const record = error as Record<string, unknown>;
  for (let i = 0; i < relatives.length; i += 2) {
    const absolute = relatives[i];
    const given = relatives[i + 1];
    if (ownValue(error, 'path') === absolute) record.path = given;
    if (ownValue(error, 'dest') === absolute) record.dest = given;
    const message = ownValue(error, 'message');
    if (typeof message === 'string') record.message = replaceQuoted(message, absolute, given);
  }
  return error;
}

/** An own data property's value; a getter is not run. */
function ownValue(object: object, key: string): unknown {
  const descriptor = getOwnPropertyDescriptor(object, key);
  return descriptor === undefined ? undefined : descriptor.value;
}

/** Node quotes each path in its messages: `open '/abs/x'`, `rename '/abs/a' -> '/abs/b'`. */
function replaceQuoted(message: string, absolute: string, given: string): string {
  const quoted = `'${absolute}'`;
  const at = StringPrototypeIndexOf(message, quoted);
  return at < 0 ? message : `${StringPrototypeSlice(message, 0, at)}'${given}'${StringPrototypeSlice(message, at + quoted.length)}`;
}

/** A cp `filter` that gets source and destination paths as plain node gives them: below the paths the caller gave. */
export function filterWithGivenPaths(filter: Function, relatives: readonly string[]): Function {
  return function (this: unknown, source: unknown, destination: unknown): unknown {
    return apply(filter, this, [givenPath(source, relatives), givenPath(destination, relatives)]);
  };
}

/** Node hands the filter the path it was given, and below it paths it joined (normalised) to it. */
function givenPath(path: unknown, relatives: readonly string[]): unknown {
  if (typeof path !== 'string') return path;
  for (let i = 0; i < relatives.length; i += 2) {
    if (path === relatives[i]) return relatives[i + 1];
    const absolute = normalize(relatives[i]);
    if (StringPrototypeStartsWith(path, `${absolute}/`)) return join(relatives[i + 1], StringPrototypeSlice(path, absolute.length));
  }
  return path;
}
