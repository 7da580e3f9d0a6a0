// The debug flags, and the flags of APIs governance does not govern, this process itself was started with. A
// spawn decides them for its child (child process hook), but a child can also get them where a spawn cannot
// see them (a shell expanding `$FLAGS`, a program that is not governed starting node): so every governed
// process decides its own as it starts, as `code_eval:node-flag:<flag>`, and refuses to run on when one is
// denied (staging, production). A process a governed process started (through a shell, say) decides its file
// flags (profiles, logs, reports) the same way; one started by an operator keeps them, since whoever starts
// governance may profile it. Node acts on some of those flags before this runs or at exit (an env file is
// read, a CPU profile is written even after a refusal): the refusal keeps the program from running and
// records the attempt, and Node's permission model or the OS must keep the files out of reach.
import { isatty } from 'node:tty';
import { isMainThread } from 'node:worker_threads';
import { EXIT_REFUSED } from '../activate';
import type { GovernanceDeniedError } from '../kernel/errors';
import { checkAction } from '../kernel/gate';
import { warnOnce } from '../kernel/warn';
import { PARENT_ENV } from './child-governance';
import { childFlag, evalFlag, loaderFlag, ownStartFlags, startFlag } from './spawn-flags';

const exit = process.exit;

export function checkOwnFlags(): void {
  const startedByGoverned = isMainThread && process.env[PARENT_ENV] !== undefined;
  const flags = ownStartFlags(startedByGoverned ? childFlag : startFlag);
  for (let i = 0; i < flags.length; i++) refuseToStart(checkAction('code_eval', `node-flag:${flags[i]}`, 'runtime_bypass'));
  if (!startedByGoverned) return;
  const program = stringProgram();
  if (program !== null) refuseToStart(checkAction('code_eval', program));
  // Loader hooks of its own can hand Node any source for any module, as `module.register` does.
  if (ownStartFlags(loaderFlag).length > 0) refuseToStart(checkAction('code_eval', 'module-compile'));
}

/** Ends this process (exit 78) when `denied` is a denial: at start-up, before any program code. */
export function refuseToStart(denied: GovernanceDeniedError | null): void {
  if (denied === null) return;
  warnOnce(`refusing to start: ${denied.message}`);
  exit(EXIT_REFUSED);
}

/**
 * The program a governed process handed this node process as a string (`node -e`/`-p`, or a script piped to its
 * stdin), which it evaluates: `code_eval` of `node-flag:--eval`, `node-flag:--print` or `node-stdin`. Until
 * 2026-11-23 a program that could spawn node evaluated any string that way with `code_eval` denied. An interactive
 * REPL (`-i`, or a terminal on stdin) is not one: each line it runs is decided as `code_eval:vm`.
 */
function stringProgram(): string | null {
  const flag = evalFlag(process.execArgv);
  if (flag !== null) return flag;
  const script = process.argv.length > 1 ? process.argv[1] : undefined;
  if (script !== undefined && script !== '-') return null;
  const execArgv = process.execArgv;
  for (let i = 0; i < execArgv.length; i++) if (execArgv[i] === '-i' || execArgv[i] === '--interactive') return null;
  return script === '-' || !isatty(0) ? 'node-stdin' : null;
}
