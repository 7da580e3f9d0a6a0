// Installs every runtime hook of this folder, once, then re-syncs the ESM facades of the builtins so
// named imports (`import { readFileSync } from 'node:fs'`) see the governed functions too. Before that,
// a process started with a debug flag the policy denies refuses to run on (own-flags.ts).
import { syncBuiltinESMExports } from 'node:module';
import { installChildProcessHooks } from './child-process';
import { installFfiHooks } from './ffi';
import { installFsHooks } from './fs';
import { installNetHooks } from './net';
import { installAddonHooks } from './addons';
import { installInternalsHooks } from './internals';
import { installNativeFileHooks } from './native-files';
import { installOpensslEngineHooks } from './openssl-engines';
import { installSqliteHooks } from './sqlite';
import { installIntegrityWatch } from './integrity';
import { installCodeEvalHooks } from './code-eval';
import { installModuleHooks } from './modules';
import { installWorkerHooks } from './workers';
import { checkOwnFlags } from './own-flags';

let installed = false;

export function installHooks(): void {
  if (installed) return;
  installed = true;
  checkOwnFlags();
  installFsHooks();
  installChildProcessHooks();
  installNetHooks();
  installAddonHooks();
  installOpensslEngineHooks();
  installFfiHooks();
  installWorkerHooks();
  installCodeEvalHooks();
  installInternalsHooks();
  installNativeFileHooks();
  installSqliteHooks();
  // Last but the watch: the hooks above load builtins of their own (inspector, wasi, trace_events, sqlite), which
  // are governance's loads, not the program's.
  installModuleHooks();
  installIntegrityWatch();
  syncBuiltinESMExports();
}
