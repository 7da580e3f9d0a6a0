// Normalised `module_load` targets: `node:<name>` for builtins, the package name for anything inside a
// node_modules folder, the absolute path for other files.
import nodeModule = require('node:module');
import nodeUrl = require('node:url');
import { primordials } from '../primordials';
import type { ActionKind } from '../types';
import { resolveTarget } from './fs-paths';

// Captured at load: user code can replace these modules' functions.
const { isBuiltin } = nodeModule;
const { fileURLToPath } = nodeUrl;

const { apply, StringPrototypeStartsWith, StringPrototypeSlice, StringPrototypeLastIndexOf, StringPrototypeIndexOf } = primordials;
const NODE_MODULES = '/node_modules/';

/** `node:<name>` when `id` names a builtin (with or without the prefix), else null. */
export function builtinTarget(id: string): string | null {
  if (id[0] === '.' || id[0] === '/' || !isBuiltin(id)) return null; // a path names no builtin: no call into Node
  return StringPrototypeStartsWith(id, 'node:') ? id : `node:${id}`;
}

/** The package name for a file inside node_modules (`pkg` or `@scope/pkg`), else the path itself. */
export function fileTarget(filename: string): string {
  const at = StringPrototypeLastIndexOf(filename, NODE_MODULES);
  if (at === -1) return filename;
  const rest = StringPrototypeSlice(filename, at + NODE_MODULES.length);
  let end = StringPrototypeIndexOf(rest, '/');
  if (end !== -1 && StringPrototypeStartsWith(rest, '@')) {
    const next = StringPrototypeIndexOf(StringPrototypeSlice(rest, end + 1), '/');
    end = next === -1 ? -1 : end + 1 + next;
  }
  return end === -1 ? rest : StringPrototypeSlice(rest, 0, end);
}

/**
 * Whether Node keeps the paths of symlinked modules (`--preserve-symlinks[-main]`, in the flags or NODE_OPTIONS, or
 * NODE_PRESERVE_SYMLINKS=1, read once at start-up as Node reads them): its resolvers then answer a link's own path,
 * and `node_modules/.bin/<cli>` (a link into a package) was decided as the package `.bin` until 2026-11-23.
 */
export const preservesSymlinks: boolean = detectPreserveSymlinks();

function detectPreserveSymlinks(): boolean {
  const asked = askNodeResolver();
  return asked !== null ? asked : preserveFlagGiven();
}

/**
 * Node's own answer: its resolver keeps a link's path exactly when it preserves symlinks. `/proc/self/root` is a
 * link to `/` on Linux: a file found through it is answered with that prefix when symlinks are preserved (for
 * modules, or for the entry point with isMain), and by its real path otherwise. Every spelling Node accepts
 * (`--preserve_symlinks`, NODE_OPTIONS, a worker's execArgv, a config file) is then covered. Two request strings,
 * as Node's path cache does not key on isMain. null where it cannot tell (no /proc): the flags are read instead.
 */
function askNodeResolver(): boolean | null {
  try {
    const findPath = (nodeModule as unknown as { _findPath?: Function })._findPath;
    if (typeof findPath !== 'function') return null;
    const probe = `${PROC_ROOT}${__filename}`;
    const modules = apply(findPath, nodeModule, [probe, [], false]) as unknown;
    const main = apply(findPath, nodeModule, [`${PROC_ROOT}/.${__filename}`, [], true]) as unknown;
    if (typeof modules !== 'string' || typeof main !== 'string') return null;
    return StringPrototypeStartsWith(modules, PROC_ROOT) || StringPrototypeStartsWith(main, PROC_ROOT);
  } catch {
    return null;
  }
}
const PROC_ROOT = '/proc/self/root';

/** The flags, in every spelling Node parses (`_` for `-` in the name: `--preserve_symlinks` was missed until 2026-11-23). */
function preserveFlagGiven(): boolean {
  const env = process.env;
  if (env.NODE_PRESERVE_SYMLINKS === '1') return true;
  const options = env.NODE_OPTIONS;
  if (typeof options === 'string' && namesPreserve(options)) return true;
  const flags = process.execArgv;
  for (let i = 0; i < flags.length; i++) if (typeof flags[i] === 'string' && namesPreserve(flags[i])) return true;
  return false;
}

function namesPreserve(text: string): boolean {
  let normalized = '';
  for (let i = 0; i < text.length; i++) normalized += text[i] === '_' ? '-' : text[i];
  return StringPrototypeIndexOf(normalized, '--preserve-symlinks') !== -1;
}

/** The module_load target of a module file Node's resolver answered: where its links lead when Node keeps them. */
export function resolvedFileTarget(filename: string): string {
  return fileTarget(preservesSymlinks ? resolveTarget(filename, true) : filename);
}

/** Code imported from a URL rather than a file: `data:`, `blob:`, `http:`, `https:`. */
export function isCodeUrl(url: string): boolean {
  return StringPrototypeStartsWith(url, 'data:') || StringPrototypeStartsWith(url, 'blob:') ||
    StringPrototypeStartsWith(url, 'http:') || StringPrototypeStartsWith(url, 'https:');
}

/** The `module_load` target of an ESM URL (`node:`, `file:`), or null for other schemes. */
export function urlTarget(url: string): string | null {
  if (StringPrototypeStartsWith(url, 'node:')) return url;
  if (StringPrototypeStartsWith(url, 'file:')) return resolvedFileTarget(fileURLToPath(url));
  return null;
}

/** The package name a bare specifier (`pkg/deep`, `@scope/pkg/deep`) refers to. */
export function packageOfSpecifier(specifier: string): string {
  return fileTarget(`${NODE_MODULES}${specifier}`);
}

/** The action an ESM load of `url` is decided as, or null when there is nothing to decide. */
export function actionOfUrl(url: string): { kind: ActionKind; target: string } | null {
  if (isCodeUrl(url)) return { kind: 'code_eval', target: 'url' };
  const target = urlTarget(url);
  return target === null ? null : { kind: 'module_load', target };
}
