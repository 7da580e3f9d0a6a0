// Environment variables that make a child act where no hook of its own can see. LD_PRELOAD and LD_AUDIT name
// libraries the dynamic loader puts into it, LD_LIBRARY_PATH directories searched before the system's (a
// library there replaces one the child expects): whatever program it runs. GCONV_PATH names directories whose
// gconv-modules list shared objects glibc's iconv_open loads into a child that converts character sets.
// OPENSSL_CONF names a configuration that can load engines and providers into a child that uses OpenSSL, from the
// directories OPENSSL_ENGINES and OPENSSL_MODULES name. NODE_V8_COVERAGE and NODE_COMPILE_CACHE make a node child
// write files (coverage with the source maps it read, compiled code) into a directory, from C++; LD_DEBUG_OUTPUT
// and LD_PROFILE make the loader of any child write its debug output (`<file>.<pid>`) or a library's profile
// (`<LD_PROFILE_OUTPUT or /var/tmp>/<library>.profile`). NODE_EXTRA_CA_CERTS, SSL_CERT_FILE, SSL_CERT_DIR and
// NODE_ICU_DATA make a child read files in C++ (Node 22.15+ hands the extra certificates back to the program:
// `tls.getCACertificates('extra')`). HOSTALIASES, LOCALDOMAIN and RES_OPTIONS steer the child's resolver
// (resolver-environment.ts): a governed child would take them for what it started with. BASH_ENV names a file bash
// sources before a non-interactive command, BASH_FUNC_<name>%% variables become bash functions (a `node` that
// clears NODE_OPTIONS), and PS4 is expanded, `$(...)` included, before each command bash traces (SHELLOPTS=xtrace,
// `-x`; bash ignores it from the environment only as root): code the shell check never reads, refused. Each entry the program
// adds to what this process started with is decided: a library, directory or configuration as native_addon by
// real path (relative to the child's working directory, as the loader reads it; a name the loader searches for,
// or one with a $ORIGIN-style token, as `library:<entry>`), a directory Node writes to as file_write, a file or
// directory read as file_read, a resolver variable refused as runtime_bypass. What this
// process started with came from whoever started it (a container's jemalloc preload, a coverage run) and passes.
import workerThreads = require('node:worker_threads');
import type { GovernanceDeniedError } from '../kernel/errors';
import { checkAction } from '../kernel/gate';
import { refuseBypass } from './internals-bypass';
import { primordials } from '../primordials';
import { libraryTarget, resolveTarget } from './fs-paths';
import { checkRead, checkTreeRead } from './log-files';
import { checkWrite } from './rules-files';
import { SHELL_FILE_VARIABLES } from './spawn-target';

const { apply, isArray, ArrayPrototypeIncludes, JSONParse, JSONStringify, StringPrototypeIndexOf, StringPrototypeSlice, StringPrototypeStartsWith } = primordials;
// Captured at load: the program can replace worker_threads' functions.
const getEnvironmentData = workerThreads.getEnvironmentData;
const setEnvironmentData = workerThreads.setEnvironmentData;

// Each variable's separators between entries ('' for a single path) and what an entry is decided as: a
// library the loader may search for, a path of native code or configuration (native_addon), a directory
// Node or the loader writes to (file_write), a loader profile (file_write of the file it names), a file or a
// directory tree read (file_read), a resolver variable (refused).
type Kind = 'library' | 'native' | 'write' | 'profile' | 'read' | 'readTree' | 'resolver' | 'shell';
const VARIABLES: Record<string, { separators: string; kind: Kind }> = {
  LD_PRELOAD: { separators: ' :\t\n', kind: 'library' },
  LD_AUDIT: { separators: ':', kind: 'library' },
  LD_LIBRARY_PATH: { separators: ':;', kind: 'library' },
  OPENSSL_CONF: { separators: '', kind: 'native' },
  OPENSSL_ENGINES: { separators: '', kind: 'native' },
  OPENSSL_MODULES: { separators: '', kind: 'native' },
  GCONV_PATH: { separators: ':', kind: 'native' },
  NODE_V8_COVERAGE: { separators: '', kind: 'write' },
  NODE_COMPILE_CACHE: { separators: '', kind: 'write' },
  LD_DEBUG_OUTPUT: { separators: '', kind: 'write' },
  LD_PROFILE_OUTPUT: { separators: '', kind: 'write' },
  LD_PROFILE: { separators: '', kind: 'profile' },
  NODE_EXTRA_CA_CERTS: { separators: '', kind: 'read' },
  SSL_CERT_FILE: { separators: '', kind: 'read' },
  SSL_CERT_DIR: { separators: ':', kind: 'readTree' },
  NODE_ICU_DATA: { separators: ':', kind: 'readTree' },
  HOSTALIASES: { separators: '', kind: 'resolver' },
  LOCALDOMAIN: { separators: '', kind: 'resolver' },
  RES_OPTIONS: { separators: '', kind: 'resolver' },
  BASH_ENV: { separators: '', kind: 'shell' },
  PS4: { separators: '', kind: 'shell' },
};
/** Bash imports a variable named so (`BASH_FUNC_node%%`) as a function; those this process started with pass. */
const FUNCTION_PREFIX = 'BASH_FUNC_';
// Where the loader writes a profile when LD_PROFILE_OUTPUT is unset or empty.
const PROFILE_DIRECTORY = '/var/tmp';
const NAMES = primordials.objectKeys(VARIABLES);
/**
 * The environment-data key under which a thread hands each worker it starts its start-up values of these variables. A
 * worker's process.env is the `env` the program gives it (or a copy of the program's process.env, or with SHARE_ENV
 * the live one): taken for what it started with, it let `env: { BASH_ENV: ... }` through every spawn of that worker
 * until 2026-11-23. The slot is locked like governance's other environment data (workers.ts).
 */
export const CHILD_VARIABLES_DATA = '@mltrainer/governance.child-variables';
const startupPairs = inheritedPairs() ?? ownPairs();
const startup: Record<string, string[]> = {};
for (let i = 0; i < NAMES.length; i++) startup[NAMES[i]] = entriesOf(startupValue(NAMES[i]) ?? '', VARIABLES[NAMES[i]].separators);
const startupFunctions = primordials.newList<string>();
for (let i = 0; i < startupPairs.length; i++) {
  if (StringPrototypeStartsWith(startupPairs[i], FUNCTION_PREFIX)) startupFunctions[startupFunctions.length] = startupPairs[i];
}

/** `NAME=value` of each variable decided here that this process's environment has now (at load). */
function ownPairs(): string[] {
  const pairs = primordials.newList<string>();
  const names = primordials.objectKeys(process.env);
  for (let i = 0; i < names.length; i++) {
    if (ArrayPrototypeIncludes(NAMES, names[i]) || ArrayPrototypeIncludes(SHELL_FILE_VARIABLES, names[i]) || StringPrototypeStartsWith(names[i], FUNCTION_PREFIX)) pairs[pairs.length] = `${names[i]}=${process.env[names[i]] as string}`;
  }
  return pairs;
}

/** In a worker, the pairs the thread that started it handed on; null on the main thread or without them. */
function inheritedPairs(): string[] | null {
  if (workerThreads.isMainThread || typeof getEnvironmentData !== 'function') return null;
  const data = apply(getEnvironmentData, workerThreads, [CHILD_VARIABLES_DATA]) as unknown;
  if (typeof data !== 'string') return null;
  const parsed = JSONParse(data) as unknown;
  if (!isArray(parsed)) return null;
  const pairs = primordials.newList<string>();
  const list = parsed as unknown[];
  for (let i = 0; i < list.length; i++) if (typeof list[i] === 'string') pairs[pairs.length] = list[i] as string;
  return pairs;
}

function startupValue(name: string): string | undefined {
  const prefix = `${name}=`;
  for (let i = 0; i < startupPairs.length; i++) if (StringPrototypeStartsWith(startupPairs[i], prefix)) return StringPrototypeSlice(startupPairs[i], prefix.length);
  return undefined;
}

/** Hands the next worker this thread's start-up values (see CHILD_VARIABLES_DATA). */
export function handOnChildVariables(): void {
  if (typeof setEnvironmentData === 'function') apply(setEnvironmentData, workerThreads, [CHILD_VARIABLES_DATA, JSONStringify(startupPairs)]);
}

function entriesOf(value: string, separators: string): string[] {
  const entries = primordials.newList<string>();
  let start = 0;
  for (let i = 0; i <= value.length; i++) {
    if (i < value.length && StringPrototypeIndexOf(separators, value[i]) === -1) continue;
    if (i > start) entries[entries.length] = StringPrototypeSlice(value, start, i);
    start = i + 1;
  }
  return entries;
}

function checkEntry(name: string, entry: string, envPairs: readonly string[], cwd: string | undefined): GovernanceDeniedError | null {
  const kind = VARIABLES[name].kind;
  if (kind === 'write') return checkWrite(resolveTarget(entry, true, cwd));
  if (kind === 'resolver') return refuseBypass('net_connect', `resolver:${name}`, `a child environment whose ${name} is not what this process started with (its resolver reads it)`);
  if (kind === 'shell') return refuseShellVariable(name);
  if (kind === 'profile') return checkWrite(resolveTarget(`${profileDirectory(envPairs)}/${entry}.profile`, true, cwd));
  if (kind === 'read') return checkRead(resolveTarget(entry, true, cwd));
  if (kind === 'readTree') return checkTreeRead(resolveTarget(entry, true, cwd));
  return checkAction('native_addon', kind === 'library' ? libraryTarget(entry, cwd) : resolveTarget(entry, true, cwd));
}

function refuseShellVariable(name: string): GovernanceDeniedError | null {
  return refuseBypass('process_spawn', `shell:${name}`, `a child environment whose ${name} is not what this process started with (bash runs the code it holds)`);
}

/**
 * A login or interactive shell runs the start-up files of its HOME, ENV and ZDOTDIR: set by the program to a directory
 * it may write, they ran its `unset NODE_OPTIONS` before the shell's command (`bash -lc` with `HOME=ok`, until
 * 2026-11-23). Refused as runtime_bypass when one is set and differs from what this process started with.
 */
export function checkShellStartupVariables(envPairs: readonly string[]): GovernanceDeniedError | null {
  for (let i = 0; i < SHELL_FILE_VARIABLES.length; i++) {
    const name = SHELL_FILE_VARIABLES[i];
    const prefix = `${name}=`;
    for (let j = 0; j < envPairs.length; j++) {
      if (!StringPrototypeStartsWith(envPairs[j], prefix)) continue;
      if (StringPrototypeSlice(envPairs[j], prefix.length) !== startupValue(name)) {
        return refuseBypass('process_spawn', `shell:${name}`, `a login or interactive shell whose ${name} is not what this process started with (it runs the start-up files found there)`);
      }
      break;
    }
  }
  return null;
}

/**
 * Decides these variables in a child's environment. Every assignment counts: the loader reads the last of
 * repeated ones, getenv the first.
 */
export function checkChildVariables(envPairs: readonly string[], cwd: string | undefined): GovernanceDeniedError | null {
  for (let i = 0; i < envPairs.length; i++) {
    const pair = envPairs[i];
    const equals = StringPrototypeIndexOf(pair, '=');
    const name = equals === -1 ? pair : StringPrototypeSlice(pair, 0, equals);
    if (!ArrayPrototypeIncludes(NAMES, name)) {
      const refused = StringPrototypeStartsWith(name, FUNCTION_PREFIX) && !ArrayPrototypeIncludes(startupFunctions, pair) ? refuseShellVariable(name) : null;
      if (refused !== null) return refused;
      continue;
    }
    const entries = entriesOf(StringPrototypeSlice(pair, equals + 1), VARIABLES[name].separators);
    for (let j = 0; j < entries.length; j++) {
      if (ArrayPrototypeIncludes(startup[name], entries[j])) continue;
      const denied = checkEntry(name, entries[j], envPairs, cwd);
      if (denied !== null) return denied;
    }
  }
  return null;
}

/** LD_PROFILE_OUTPUT as the loader reads it (the last assignment), or its default when that is unset or empty. */
function profileDirectory(envPairs: readonly string[]): string {
  let directory = '';
  for (let i = 0; i < envPairs.length; i++) {
    if (StringPrototypeStartsWith(envPairs[i], 'LD_PROFILE_OUTPUT=')) directory = StringPrototypeSlice(envPairs[i], 18);
  }
  return directory === '' ? PROFILE_DIRECTORY : directory;
}
