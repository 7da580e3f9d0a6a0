// Preload entry: `node --require @mltrainer/governance` (this CJS build) or `--import` (dist/register.mjs).
// Node 20 also runs `--require` preloads inside its module-hooks thread, which only relays ESM load decisions
// to the main thread: nothing is activated or even loaded there (it would cost a second start-up). Our audit
// writer thread starts with no preload at all (src/audit/threaded-writer.ts), so nothing a spawner controls,
// such as workerData, can keep the preload inactive in a thread.
import { isModuleHooksThread } from './src/hooks/modules-hooks-thread';

export = isModuleHooksThread() ? {} : (require('./src/preload') as typeof import('./src/preload'));
