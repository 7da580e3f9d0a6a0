// Counts the module_load decisions each require() records with every load recorded (audit.moduleLoads
// "every"): one per call, whether Node resolves the request, serves it from its own cache, or resolves again
// a request governance already decided from its cache (Node caches a resolution only when it creates the module).
'use strict';
const { join } = require('node:path');
const fs = require('node:fs');
const dist = join(__dirname, '..', '..', '..', 'dist', 'src');
const { startKernel } = require(join(dist, 'kernel', 'gate.js'));
const { RuleSet } = require(join(dist, 'rules', 'match.js'));
const { installModuleHooks } = require(join(dist, 'hooks', 'modules.js'));

const dir = fs.realpathSync(fs.mkdtempSync(join(require('node:os').tmpdir(), 'module-entry-count-')));
fs.mkdirSync(join(dir, 'b'));
fs.writeFileSync(join(dir, 'a.cjs'), 'module.exports = 1;\n');
fs.writeFileSync(join(dir, 'b', 'index.cjs'), "module.exports = () => require('../a.cjs');\n");

const recorded = [];
const writer = { append: (e) => recorded.push(e), appendDurable: (e) => recorded.push(e), flush() {}, close() {} };
const rules = new RuleSet([{ id: 'all', action: ['file_read', 'module_load'], target: '**', effect: 'allow' }], 'deny');
startKernel({ rules, level: 'production', actor: 'probe', writer, recordEveryModuleLoad: true, onInternalError: (e) => { throw e; } });
installModuleHooks();

function decisions(fn) {
  recorded.length = 0;
  fn();
  return recorded.filter((e) => e.action === 'module_load').map((e) => e.target.startsWith(dir) ? e.target.slice(dir.length) : e.target);
}

const a = join(dir, 'a.cjs');
let fromB;
process.stdout.write(JSON.stringify({
  first: decisions(() => require(a)),
  again: decisions(() => require(a)),
  builtin: decisions(() => require('node:path')),
  loadB: decisions(() => { fromB = require(join(dir, 'b', 'index.cjs')); }),
  fromB: decisions(() => fromB()),
  fromBAgain: decisions(() => fromB()),
}));
