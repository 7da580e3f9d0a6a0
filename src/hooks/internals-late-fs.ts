// Late activation: when governance is activated by user code (not the preload), references the program
// captured earlier (`const write = fs.writeFileSync`) still point at the unwrapped functions. Node's fs
// functions call the fs binding's methods by property lookup on every call, so governing those methods
// governs the captured references too. Writes only (every fs write route ends in one of these); reads
// through a captured reference stay ungoverned, and a write through a governed public function is
// decided twice (once per layer). With the preload nothing is captured before, so none of this is
// installed.
import { constants } from 'node:fs';
import { captureCaller } from '../kernel/caller';
import { primordials } from '../primordials';
import { convertPath, resolveTarget, type PathArgument } from './fs-paths';
import { checkSubtree } from './fs-subtree';
import { checkLogTreeMove } from './log-files';
import { checkWrite } from './rules-files';
import { lockProperty, shapeLike } from './lock';

const { apply } = primordials;
const { O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND } = constants;
const WRITE_FLAGS = O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND;

interface Writer {
  /** Positions of the paths it writes. */
  paths: readonly number[];
  /** Where open's flags are: only opens for writing are decided. */
  flagsAt?: number;
  /** Acts on a symlink itself rather than what it points to. */
  onLink?: true;
  /** Where a `recursive` flag is: a recursive removal decides every entry below the path too. */
  recursiveAt?: number;
  /** Moves its paths (rename): neither may hold the audit log's files. */
  moves?: true;
}

const WRITERS: Readonly<Record<string, Writer>> = {
  open: { paths: [0], flagsAt: 1 },
  openFileHandle: { paths: [0], flagsAt: 1 },
  writeFileUtf8: { paths: [0] },
  mkdir: { paths: [0], onLink: true },
  mkdtemp: { paths: [0], onLink: true },
  rename: { paths: [0, 1], onLink: true, moves: true },
  unlink: { paths: [0], onLink: true },
  rmdir: { paths: [0], onLink: true },
  rmSync: { paths: [0], onLink: true, recursiveAt: 2 }, // (path, maxRetries, recursive, retryDelay), Node 24+
  copyFile: { paths: [1] },
  symlink: { paths: [1], onLink: true },
  link: { paths: [1], onLink: true },
  chmod: { paths: [0] },
  chown: { paths: [0] },
  lchown: { paths: [0], onLink: true },
  utimes: { paths: [0] },
  lutimes: { paths: [0], onLink: true },
};

/** True when governance is being activated from user code rather than by the preload. */
export function isLateActivation(): boolean {
  return captureCaller() !== null;
}

function governWriter(binding: Record<string, unknown>, name: string, { paths, flagsAt, onLink, recursiveAt, moves }: Writer): void {
  const original = binding[name];
  if (typeof original !== 'function') return;
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    if (flagsAt === undefined || (typeof args[flagsAt] === 'number' && ((args[flagsAt] as number) & WRITE_FLAGS) !== 0)) {
      for (let i = 0; i < paths.length; i++) {
        const converted: PathArgument = { path: null, value: undefined };
        convertPath(args[paths[i]], converted);
        if (converted.path === null) continue; // a descriptor, authorised by its open
        args[paths[i]] = converted.value;
        const target = resolveTarget(converted.path, onLink !== true);
        const recursive = recursiveAt !== undefined && args[recursiveAt] === true;
        const denied = checkWrite(target) ?? (moves === true || recursive ? checkLogTreeMove(target) : null) ?? (recursive ? checkSubtree(converted.path, checkWrite) : null);
        if (denied !== null) throw denied;
      }
    }
    return apply(original, this, args);
  };
  lockProperty(binding, name, shapeLike(wrapper, original));
}

/** `rawBinding` is process.binding as captured before it was governed. */
export function installLateFsHooks(rawBinding: (name: string) => unknown): void {
  let binding: Record<string, unknown>;
  try {
    binding = rawBinding('fs') as Record<string, unknown>;
  } catch {
    return; // under Node's permission model process.binding is refused: only the preload governs fs there
  }
  for (const name of primordials.objectKeys(WRITERS)) governWriter(binding, name, WRITERS[name]);
}
