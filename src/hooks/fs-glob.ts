// fs.glob / fs.globSync / fs.promises.glob (Node 22+): each pattern reads from its literal leading
// directories, resolved against options.cwd; that directory is the file_read target. Node walks below it
// with the governed readdir/lstat, so what it visits is checked as well.
import { primordials } from '../primordials';
import { convertPath, resolveTarget, type PathArgument } from './fs-paths';
import { checkKinds } from './fs-check';
import { READ } from './fs-routes';
import { lockProperty, shapeLike } from './lock';
import { surfaceError, type ApiForm } from './surface';
import type { GovernanceDeniedError } from '../kernel/errors';

const { apply, isArray, ownOptions, RegExpPrototypeExec, StringPrototypeLastIndexOf, StringPrototypeSlice } = primordials;
const MAGIC = /[*?[\]{}()!+@]/;
const CWD_FIELD = ['cwd'];

/** The literal directory a glob pattern starts from ('.' when the first segment is already a pattern). */
export function globBase(pattern: string): string {
  const magic = RegExpPrototypeExec(MAGIC, pattern);
  if (magic === null) return pattern;
  const slash = StringPrototypeLastIndexOf(StringPrototypeSlice(pattern, 0, magic.index), '/');
  if (slash < 0) return '.';
  return slash === 0 ? '/' : StringPrototypeSlice(pattern, 0, slash);
}

function checkGlob(args: unknown[]): GovernanceDeniedError | null {
  const patterns = isArray(args[0]) ? primordials.ArrayPrototypeSlice(args[0] as unknown[]) : [args[0]];
  args[0] = isArray(args[0]) ? patterns : args[0];
  let cwd: string | undefined;
  const options = args[1];
  if (typeof options === 'object' && options !== null) {
    const copy = ownOptions<{ cwd?: unknown }>(options, CWD_FIELD);
    args[1] = copy;
    if (copy.cwd !== undefined) {
      const converted: PathArgument = { path: null, value: undefined };
      convertPath(copy.cwd, converted);
      if (converted.path !== null) cwd = resolveTarget(converted.path, true);
      copy.cwd = cwd ?? converted.value;
    }
  }
  for (let i = 0; i < patterns.length; i++) {
    const pattern = patterns[i];
    if (typeof pattern !== 'string') continue; // Node rejects it
    const denied = checkKinds(READ, resolveTarget(globBase(pattern), true, cwd));
    if (denied !== null) return denied;
  }
  return null;
}

function wrapGlob(original: Function, form: ApiForm): Function {
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    let denied: GovernanceDeniedError | null;
    try {
      denied = checkGlob(args);
    } catch (error) {
      return surfaceError(form, error, args);
    }
    return denied !== null ? surfaceError(form, denied, args) : apply(original, this, args);
  };
  return shapeLike(wrapper, original);
}

export function installGlobHooks(fsModule: Record<string, unknown>, promises: Record<string, unknown>): void {
  if (typeof fsModule.glob === 'function') lockProperty(fsModule, 'glob', wrapGlob(fsModule.glob, 'callback'));
  if (typeof fsModule.globSync === 'function') lockProperty(fsModule, 'globSync', wrapGlob(fsModule.globSync, 'sync'));
  if (typeof promises.glob === 'function') lockProperty(promises, 'glob', wrapGlob(promises.glob, 'iterator'));
}
