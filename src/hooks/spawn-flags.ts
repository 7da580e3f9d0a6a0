// Node flags that take a child past governance. `--inspect*` (and its alias `--debug-port`) starts a
// debugger, a code-evaluation channel with access to every closure; `--expose-internals` lets the child
// require Node's internal modules. Others make the child's Node read or write files, or load native code, in
// C++ where its own hooks cannot see: profiles, logs, reports, heap snapshots, trace files, coverage of tests,
// web storage, snapshot and SEA blobs (written); env and config files (read: their values become the child's
// environment or flags); OpenSSL configuration and ICU data (native); V8's own tracing and dump files. `--run` has Node's C++ run a package.json
// script through the shell, with no JavaScript of the child's in between. Others switch on experimental APIs
// governance does not govern. All are found in a node child's arguments (fork's execArgv ends up there), in
// the words of a shell command and in the NODE_OPTIONS a child is given; the debug and ungoverned-API flags
// also in this process's own flags (a shell can expand them where no spawn sees).
import { primordials } from '../primordials';

const { ArrayPrototypeIncludes, RegExpPrototypeExec, StringMapChars, StringPrototypeCharCodeAt, StringPrototypeIndexOf, StringPrototypeLastIndexOf, StringPrototypeSlice, StringPrototypeStartsWith, ArrayPrototypePush } = primordials;
const QUOTES = '"\'\\';
const NODE_NAME = /^(node|nodejs)[0-9.]*(\.exe)?$/i;

const FILE_FLAGS = [
  '--prof', '--logfile', '--diagnostic-dir', '--redirect-warnings', '--tls-keylog', '--env-file', '--env-file-if-exists',
  '--openssl-config', '--icu-data-dir', '--snapshot-blob', '--build-snapshot', '--build-snapshot-config',
  '--experimental-sea-config', '--localstorage-file', '--test-reporter-destination', '--experimental-config-file',
  '--experimental-default-config-file', '--run',
  // Node 20's policy manifest, read before any preload: a JSON error prints the line it is on (the file's first line).
  '--experimental-policy',
  // V8's: a log (--prof-cpp, --ll-prof), counters, dispatch counts, builtins profiles and hashes, GDB JIT images,
  // heap snapshots (Node 26's V8) written to a file they name or the current directory.
  '--prof-cpp', '--ll-prof', '--map-counters', '--trace-ignition-dispatches-output-file', '--turbo-profiling-output',
  '--dump-builtins-hashes-to-file', '--gdbjit-dump', '--heap-snapshot-on-oom', '--heap-snapshot-on-gc', '--heap-snapshot-path',
];
// Families: every flag whose name starts with one of these (V8's --log* writes v8.log, --trace-turbo* graph and CFG
// files, --redirect-code-traces* a code listing, --dump-wasm-module* modules, --experimental-wasm-pgo* profiles).
const FILE_FLAG_PREFIXES = [
  '--cpu-prof', '--heap-prof', '--log', '--perf-', '--report-', '--heapsnapshot-', '--trace-event',
  '--trace-turbo', '--redirect-code-traces', '--dump-wasm-module', '--experimental-wasm-pgo',
];

/**
 * A flag's name with two dashes, `_` read as `-` as Node does (`--expose_internals`); null when `arg` is not a flag.
 * Node hands V8 every flag it does not know, and V8 reads one dash as two: `-logfile=<file> -log` wrote the file.
 */
function flagName(arg: string): string | null {
  if (arg.length < 2 || arg[0] !== '-') return null;
  const equals = StringPrototypeIndexOf(arg, '=');
  const name = StringMapChars(equals < 0 ? arg : StringPrototypeSlice(arg, 0, equals), '_', '-');
  return arg[1] === '-' ? name : `-${name}`;
}

// Experimental APIs these flags switch on are not governed (Node 26): a virtual file system modules and files
// can be read from, browser-style Web Workers, ESM imports of native addons.
const UNGOVERNED_API_FLAGS = ['--experimental-vfs', '--experimental-web-worker', '--experimental-addon-modules'];

/**
 * The normalised flag name when `arg` is a flag every governed process decides for itself as it starts: a
 * debug flag (`--inspect-brk`, `--expose-internals`) or one that switches on an API governance does not govern.
 */
export function startFlag(arg: string): string | null {
  const name = flagName(arg);
  if (name === null) return null;
  if (StringPrototypeStartsWith(name, '--inspect') || name === '--debug-port' || name === '--expose-internals') return name;
  return ArrayPrototypeIncludes(UNGOVERNED_API_FLAGS, name) ? name : null;
}

// Flags that install module loader hooks of the program's choosing: the hooks can hand Node any source for any
// module, which is what `module.register` does (decided as code_eval:module-compile).
const LOADER_FLAGS = ['--experimental-loader', '--loader'];

/** The normalised flag name when `arg` installs loader hooks (`--experimental-loader`, `--loader`, `=` forms too). */
export function loaderFlag(arg: string): string | null {
  const name = flagName(arg);
  return name !== null && ArrayPrototypeIncludes(LOADER_FLAGS, name) ? name : null;
}

// V8's default stack, in KB. With a smaller one a child may have too little to commit its audit log: at 100 KB no
// commit ever had room, and the child ran with every entry lost (src/audit/stack-headroom.ts).
const DEFAULT_STACK_KB = 984;

/** Whether `arg` gives V8 a stack of at least its default: `=` and decimal digits only (V8 reads `1e3` as 1). */
function defaultStackOrMore(arg: string): boolean {
  const equals = StringPrototypeIndexOf(arg, '=');
  if (equals < 0 || equals === arg.length - 1) return false;
  let value = 0;
  for (let i = equals + 1; i < arg.length; i++) {
    const digit = StringPrototypeCharCodeAt(arg, i) - 48;
    if (digit < 0 || digit > 9) return false;
    value = value * 10 + digit;
  }
  return value >= DEFAULT_STACK_KB;
}

/**
 * The normalised flag name when `arg` is any flag a child must be allowed: a start flag, a file flag, or a stack
 * smaller than V8's default.
 */
export function childFlag(arg: string): string | null {
  const start = startFlag(arg);
  if (start !== null) return start;
  const name = flagName(arg);
  if (name === null) return null;
  if (ArrayPrototypeIncludes(FILE_FLAGS, name)) return name;
  if (name === '--stack-size') return defaultStackOrMore(arg) ? null : name;
  for (let i = 0; i < FILE_FLAG_PREFIXES.length; i++) if (StringPrototypeStartsWith(name, FILE_FLAG_PREFIXES[i])) return name;
  return null;
}

type Classify = (arg: string) => string | null;

/**
 * The flags `classify` picks among a node child's arguments (argv[0] excluded). Everything up to `--` is
 * scanned, script arguments included: telling options' values from the script name needs Node's own table,
 * so a script argument spelled like one of these flags is refused too (fail closed).
 */
export function flagsInArgs(args: readonly string[], classify: Classify, out: string[]): void {
  for (let i = 1; i < args.length; i++) {
    if (args[i] === '--') return;
    const flag = classify(args[i]);
    if (flag !== null) ArrayPrototypePush(out, flag);
  }
}

/** The flags `classify` picks among the words of a shell command line or a NODE_OPTIONS value (quotes dropped). */
export function flagsInWords(text: string, classify: Classify, out: string[]): void {
  const unquoted = StringMapChars(text, QUOTES, '');
  let start = 0;
  for (let i = 0; i <= unquoted.length; i++) {
    if (i < unquoted.length && !isSpace(StringPrototypeCharCodeAt(unquoted, i))) continue;
    const flag = i > start ? classify(StringPrototypeSlice(unquoted, start, i)) : null;
    if (flag !== null) ArrayPrototypePush(out, flag);
    start = i + 1;
  }
}

/** Space, tab, newline, vertical tab, form feed, carriage return: what separates shell words. */
function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

/** Whether an executable path names Node: by its name, or as a link to (or the path of) this node. */
export function isNodeExecutable(executable: string, realExecutable: string | null, realNode: string): boolean {
  const name = StringPrototypeSlice(executable, StringPrototypeLastIndexOf(executable, '/') + 1);
  return RegExpPrototypeExec(NODE_NAME, name) !== null || realExecutable === realNode;
}

/**
 * `node-flag:--eval` or `node-flag:--print` when this process runs a program given as a string on its command line
 * (`-e`, `--eval`, `-p`, `-pe`, `--print`), else null.
 */
export function evalFlag(execArgv: readonly string[]): string | null {
  for (let i = 0; i < execArgv.length; i++) {
    const flag = execArgv[i];
    if (flag === '-p' || flag === '-pe' || flag === '--print' || StringPrototypeStartsWith(flag, '--print=')) return 'node-flag:--print';
    if (flag === '-e' || flag === '--eval' || StringPrototypeStartsWith(flag, '--eval=')) return 'node-flag:--eval';
  }
  return null;
}

/** The normalised flag name when `arg` is `--abort-on-uncaught-exception` (any spelling). */
export function abortFlag(arg: string): string | null {
  const name = flagName(arg);
  return name === '--abort-on-uncaught-exception' ? name : null;
}

/** The flags `classify` picks among those this process was started with (its execArgv and NODE_OPTIONS). */
export function ownStartFlags(classify: Classify): string[] {
  const flags = primordials.newList<string>();
  const execArgv = process.execArgv;
  for (let i = 0; i < execArgv.length; i++) {
    const flag = classify(execArgv[i]);
    if (flag !== null) ArrayPrototypePush(flags, flag);
  }
  const nodeOptions = process.env.NODE_OPTIONS;
  if (nodeOptions !== undefined) flagsInWords(nodeOptions, classify, flags);
  return flags;
}
