// Preload entry: `node --require @mltrainer/governance` (this CJS build) or `--import` (dist/register.mjs).
// Node 20 also runs `--require` preloads inside its module-hooks thread, which only relays ESM load decisions
// to the main thread, and NODE_OPTIONS preloads run in our audit writer thread: nothing is activated or even
// loaded in either (it would cost a second start-up, and the writer thread is governance itself).
import { isAuditWriterThread } from './src/audit/writer-thread-protocol';
import { isModuleHooksThread } from './src/hooks/modules-hooks-thread';

export = isModuleHooksThread() || isAuditWriterThread() ? {} : (require('./src/preload') as typeof import('./src/preload'));
