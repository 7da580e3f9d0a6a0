// Counts the decisions one governed call records: Node's implementations call other public fs functions
// on the same path (readFileSync -> openSync, truncateSync -> openSync 'r+', rmSync -> lstatSync), which
// must not be decided twice; a different path or a kind the outer call did not check must be.
'use strict';
const { join } = require('node:path');
const fs = require('node:fs');
const dist = join(__dirname, '..', '..', '..', 'dist', 'src');
const { startKernel } = require(join(dist, 'kernel', 'gate.js'));
const { RuleSet } = require(join(dist, 'rules', 'match.js'));
const { installFsHooks } = require(join(dist, 'hooks', 'fs.js'));

const dir = fs.realpathSync(fs.mkdtempSync(join(require('node:os').tmpdir(), 'entry-count-')));
const src = join(dir, 'src');
fs.mkdirSync(join(src, 'sub'), { recursive: true });
fs.writeFileSync(join(src, 'sub', 'a.txt'), 'a');
fs.writeFileSync(join(dir, 'file.txt'), 'x'.repeat(100));

const recorded = [];
const writer = { append: (e) => recorded.push(e), appendDurable: (e) => recorded.push(e), flush() {}, close() {} };
const rules = new RuleSet([{ id: 'all', action: ['file_read', 'file_write'], target: '**', effect: 'allow' }], 'deny');
startKernel({ rules, level: 'production', actor: 'probe', writer, onInternalError: (e) => { throw e; } });
installFsHooks();

function decisions(fn) {
  recorded.length = 0;
  fn();
  return recorded.map((e) => `${e.action}:${e.target.slice(dir.length)}`);
}

const file = join(dir, 'file.txt');
process.stdout.write(JSON.stringify({
  readFileSyncBuffer: decisions(() => fs.readFileSync(file)),
  writeFileSyncBuffer: decisions(() => fs.writeFileSync(file, Buffer.from('y'))),
  appendFileSync: decisions(() => fs.appendFileSync(file, Buffer.from('z'))),
  truncateSync: decisions(() => fs.truncateSync(file, 1)),
  existsSync: decisions(() => fs.existsSync(file)),
  rmSyncRecursive: decisions(() => fs.rmSync(src, { recursive: true })),
}));
