// The debug flags, and the flags of APIs governance does not govern, this process itself was started with. A
// spawn decides them for its child (child process hook), but a child can also get them where a spawn cannot
// see them (a shell expanding `$FLAGS`, a program that is not governed starting node): so every governed
// process decides its own as it starts, as `code_eval:node-flag:<flag>`, and refuses to run on when one is
// denied (staging, production). A process a governed process started (through a shell, say) decides its file
// flags (profiles, logs, reports) the same way; one started by an operator keeps them, since whoever starts
// governance may profile it. Node acts on some of those flags before this runs or at exit (an env file is
// read, a CPU profile is written even after a refusal): the refusal keeps the program from running and
// records the attempt, and Node's permission model or the OS must keep the files out of reach.
import { isMainThread } from 'node:worker_threads';
import { EXIT_REFUSED } from '../activate';
import { checkAction } from '../kernel/gate';
import { warnOnce } from '../kernel/warn';
import { PARENT_ENV } from './child-governance';
import { childFlag, ownStartFlags, startFlag } from './spawn-flags';

const exit = process.exit;

export function checkOwnFlags(): void {
  const flags = ownStartFlags(isMainThread && process.env[PARENT_ENV] !== undefined ? childFlag : startFlag);
  for (let i = 0; i < flags.length; i++) {
    const denied = checkAction('code_eval', `node-flag:${flags[i]}`, 'runtime_bypass');
    if (denied === null) continue;
    warnOnce(`refusing to start: ${denied.message}`);
    exit(EXIT_REFUSED);
  }
}
