// The directory both module-load benches run in: `@mltrainer/governance` resolves to this checkout, an allow-all
// production policy decides and records every load, and two more preloads stand beside governance's own:
// `hooks-only.cjs` (the hooks and kernel with no audit writer: separates the hooks' cost from the log's) and
// `empty-hooks.cjs` (Node's own floor for governing loads: empty hooks, registered the way governance registers
// its own, in-thread module.registerHooks where Node has it, else module.register's hooks thread).
'use strict';
const { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..');
const KINDS = ['file_read', 'file_write', 'process_spawn', 'code_eval', 'module_load', 'worker_spawn', 'native_addon', 'net_connect', 'net_listen', 'function_call'];

/** A fresh temp directory holding the policy and the preloads; returns its path. */
function makeLoadFixture(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(dir, 'node_modules', '@mltrainer'), { recursive: true });
  symlinkSync(root, join(dir, 'node_modules', '@mltrainer', 'governance'));
  writeFileSync(join(dir, 'governance.config.json'), JSON.stringify({
    level: 'production', default: 'deny', stateDir: '.governance',
    rules: [{ id: 'all', action: KINDS, target: '**', effect: 'allow' }],
  }));
  writeFileSync(join(dir, 'hooks-only.cjs'), `
const dist = ${JSON.stringify(join(root, 'dist', 'src'))};
const { startKernel } = require(dist + '/kernel/gate.js');
const { RuleSet } = require(dist + '/rules/match.js');
const { installHooks } = require(dist + '/hooks/index.js');
const rules = new RuleSet([{ id: 'all', action: ${JSON.stringify(KINDS)}, target: '**', effect: 'allow' }], 'deny');
startKernel({ rules, level: 'production', actor: 'bench', writer: null, onInternalError: (error) => { throw error; } });
installHooks();
`);
  writeFileSync(join(dir, 'empty-loader.mjs'), 'export async function load(url, context, next) { return next(url, context); }\n');
  writeFileSync(join(dir, 'empty-hooks.cjs'), `
const { pathToFileURL } = require('node:url');
const module_ = require('node:module');
if (typeof module_.registerHooks === 'function') module_.registerHooks({ load: (u, c, next) => next(u, c) });
else module_.register(pathToFileURL(${JSON.stringify(join(dir, 'empty-loader.mjs'))}));
`);
  return dir;
}

/** The environment for the benches' children: no inherited preloads or config. */
function childEnv() {
  const env = { ...process.env, NODE_OPTIONS: '' };
  delete env.MLTRAINER_GOVERNANCE_CONFIG;
  return env;
}

module.exports = { root, makeLoadFixture, childEnv };
