// Preload entry: `node --require @mltrainer/governance` (this CJS build) or `--import` (dist/register.mjs).
// Node 20 also runs `--require` preloads inside its module-hooks thread, which only relays ESM load decisions
// to the main thread: nothing is activated or even loaded there (it would cost a second start-up), and the preloads
// after this one are not run there (src/hooks/modules-hooks-thread.ts). Our audit
// writer thread starts with no preload at all (src/audit/threaded-writer.ts), so nothing a spawner controls,
// such as workerData, can keep the preload inactive in a thread.
import { isModuleHooksThread, skipLaterPreloads } from './src/hooks/modules-hooks-thread';

function inHooksThread(): object {
  skipLaterPreloads();
  return {};
}

export = isModuleHooksThread() ? inHooksThread() : (require('./src/preload') as typeof import('./src/preload'));
