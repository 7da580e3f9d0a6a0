// Governs native addons: process.dlopen, which `.node` requires also go through. The project's own
// better-sqlite3 addon is loaded while activating, before this hook is installed.
import { checkAction } from '../kernel/gate';
import { primordials } from '../primordials';
import { convertPath, libraryTarget, type PathArgument } from './fs-paths';
import { lockProperty, shapeLike } from './lock';

const { apply, setElement } = primordials;

/**
 * The filename as Node's native dlopen will use it, converted once: Node converts whatever it is given to a
 * string (an object's toString runs there), so any other value becomes that string here first. Paths and byte
 * paths convert as for fs; a URL becomes its file path.
 */
function dlopenFilename(value: unknown): string {
  const converted: PathArgument = { path: null, value: undefined };
  convertPath(value, converted);
  return converted.path !== null ? converted.path : `${value as string}`;
}

export function installAddonHooks(): void {
  const original = process.dlopen as Function;
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    if (args.length < 2) return apply(original, this, args); // Node rejects it
    const filename = dlopenFilename(args[1]);
    setElement(args, 1, filename);
    // The dynamic loader searches for a name without a slash: that is not a file in the current directory.
    const denied = checkAction('native_addon', libraryTarget(filename));
    if (denied !== null) throw denied;
    return apply(original, this, args);
  };
  lockProperty(process, 'dlopen', shapeLike(wrapper, original));
}
