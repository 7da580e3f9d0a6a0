// The debug flags, and the flags of APIs governance does not govern, this process itself was started with. A
// spawn decides them for its child (child process hook), but a child can also get them where a spawn cannot
// see them (a shell expanding `$FLAGS`, a program that is not governed starting node): so every governed
// process decides its own as it starts, as `code_eval:node-flag:<flag>`, and refuses to run on when one is
// denied (staging, production).
import { EXIT_REFUSED } from '../activate';
import { checkAction } from '../kernel/gate';
import { warnOnce } from '../kernel/warn';
import { ownStartFlags } from './spawn-flags';

const exit = process.exit;

export function checkOwnFlags(): void {
  const flags = ownStartFlags();
  for (let i = 0; i < flags.length; i++) {
    const denied = checkAction('code_eval', `node-flag:${flags[i]}`, 'runtime_bypass');
    if (denied === null) continue;
    warnOnce(`refusing to start: ${denied.message}`);
    exit(EXIT_REFUSED);
  }
}
