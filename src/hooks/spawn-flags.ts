// Node flags that open a child past governance: `--inspect*` (and its alias `--debug-port`) starts a
// debugger, a code-evaluation channel with access to every closure; `--expose-internals` lets the child
// require Node's internal modules. Found in a node child's arguments (fork's execArgv ends up there), in
// the words of a shell command, in the NODE_OPTIONS a child is given, and in this process's own flags.
import { primordials } from '../primordials';

const { RegExpPrototypeExec, StringMapChars, StringPrototypeCharCodeAt, StringPrototypeIndexOf, StringPrototypeLastIndexOf, StringPrototypeSlice, StringPrototypeStartsWith, ArrayPrototypePush } = primordials;
const QUOTES = '"\'\\';
const NODE_NAME = /^(node|nodejs)[0-9.]*(\.exe)?$/i;

/** The normalised flag name (`--inspect-brk`, `--expose-internals`) when `arg` is one of them, else null. */
export function debugFlag(arg: string): string | null {
  if (!StringPrototypeStartsWith(arg, '--')) return null;
  const equals = StringPrototypeIndexOf(arg, '=');
  // Node accepts `_` for `-` in flag names (`--expose_internals`).
  const name = StringMapChars(equals < 0 ? arg : StringPrototypeSlice(arg, 0, equals), '_', '-');
  if (StringPrototypeStartsWith(name, '--inspect') || name === '--debug-port' || name === '--expose-internals') return name;
  return null;
}

/**
 * The debug flags among a node child's arguments (argv[0] excluded). Everything up to `--` is scanned,
 * script arguments included: telling options' values from the script name needs Node's own table, so a
 * script argument spelled like one of these flags is refused too (fail closed).
 */
export function debugFlagsInArgs(args: readonly string[], out: string[]): void {
  for (let i = 1; i < args.length; i++) {
    if (args[i] === '--') return;
    const flag = debugFlag(args[i]);
    if (flag !== null) ArrayPrototypePush(out, flag);
  }
}

/** The debug flags among the words of a shell command line or a NODE_OPTIONS value (quotes dropped). */
export function debugFlagsInWords(text: string, out: string[]): void {
  const unquoted = StringMapChars(text, QUOTES, '');
  let start = 0;
  for (let i = 0; i <= unquoted.length; i++) {
    if (i < unquoted.length && !isSpace(StringPrototypeCharCodeAt(unquoted, i))) continue;
    const flag = i > start ? debugFlag(StringPrototypeSlice(unquoted, start, i)) : null;
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

/** The debug flags this process was started with (its execArgv and NODE_OPTIONS). */
export function ownDebugFlags(): string[] {
  const flags: string[] = [];
  const execArgv = process.execArgv;
  for (let i = 0; i < execArgv.length; i++) {
    const flag = debugFlag(execArgv[i]);
    if (flag !== null) ArrayPrototypePush(flags, flag);
  }
  const nodeOptions = process.env.NODE_OPTIONS;
  if (nodeOptions !== undefined) debugFlagsInWords(nodeOptions, flags);
  return flags;
}
