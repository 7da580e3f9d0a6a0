// Governs native addons: process.dlopen, which `.node` requires also go through. The project's own
// better-sqlite3 addon is loaded while activating, before this hook is installed.
import { checkAction } from '../kernel/gate';
import { primordials } from '../primordials';
import { convertPath, resolveTarget, type PathArgument } from './fs-paths';
import { lockProperty, shapeLike } from './lock';

const { apply } = primordials;

export function installAddonHooks(): void {
  const original = process.dlopen as Function;
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    const converted: PathArgument = { path: null, value: undefined };
    convertPath(args[1], converted);
    if (converted.path !== null) {
      args[1] = converted.value;
      const denied = checkAction('native_addon', resolveTarget(converted.path, true));
      if (denied !== null) throw denied;
    }
    return apply(original, this, args);
  };
  lockProperty(process, 'dlopen', shapeLike(wrapper, original));
}
