// What one more CommonJS load costs in a process that has been loading modules for a while: a package of tiny
// modules (`module.exports = i`) is loaded by relative path, 4800 of them, and loads 2400-4800 are timed (wall µs
// per load), by then every function on the load path, Node's and governance's, is optimised and nothing of
// start-up is left running. Complements bench/module-load.js, which times a real tree right after start-up (the
// budget's figure): the two differ in what runs beside the loads, not in the work per load.
// Variants, interleaved: plain node, Node's floor (empty hooks), the hooks and kernel without the audit log, and
// `--require @mltrainer/governance` (see load-fixture.js).
// Usage: node bench/module-load-steady.js [runs=15]
'use strict';
const { spawnSync } = require('node:child_process');
const { mkdirSync, rmSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const { join } = require('node:path');
const { makeLoadFixture, childEnv } = require('./load-fixture');

const runs = Number(process.argv[2] ?? 15);
const dir = makeLoadFixture('gov-load-steady-');
const pkg = join(dir, 'node_modules', 'tinypkg');
mkdirSync(pkg);
writeFileSync(join(pkg, 'package.json'), '{"name":"tinypkg","version":"1.0.0"}\n');
const LOADS = 4800;
for (let i = 0; i < LOADS; i++) writeFileSync(join(pkg, `m${i}.js`), `module.exports = ${i};\n`);
writeFileSync(join(dir, 'run.cjs'), `
let start = 0n;
for (let i = 0; i < ${LOADS}; i++) {
  if (i === ${LOADS / 2}) start = process.hrtime.bigint();
  require('./node_modules/tinypkg/m' + i + '.js');
}
process.stdout.write(String(Number(process.hrtime.bigint() - start) / 1000 / ${LOADS / 2}));
`);

const env = childEnv();
function perLoad(preload) {
  const child = spawnSync(process.execPath, [...preload, 'run.cjs'], { cwd: dir, env, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`${preload.join(' ')} exited ${child.status}: ${child.stderr}`);
  return Number(child.stdout);
}

const variants = {
  plain: [],
  'empty hooks (Node floor)': ['--require', './empty-hooks.cjs'],
  'hooks only': ['--require', './hooks-only.cjs'],
  '--require': ['--require', '@mltrainer/governance'],
};
for (const preload of Object.values(variants)) perLoad(preload); // warm the file cache, create keys and the audit log
const samples = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
const loadBefore = os.loadavg();
for (let i = 0; i < runs; i++) for (const [name, preload] of Object.entries(variants)) samples[name].push(perLoad(preload));
const loadAfter = os.loadavg();
const sorted = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => sorted(xs)[xs.length >> 1];
const loads = (l) => l.map((x) => x.toFixed(2)).join(' ');
console.log(`node ${process.version}, ${runs} runs each (interleaved); load average before ${loads(loadBefore)}, after ${loads(loadAfter)}`);
console.log(`wall µs per CommonJS load over loads ${LOADS / 2}-${LOADS}: median [quartiles] over runs, and added over plain (medians)`);
for (const [name, xs] of Object.entries(samples)) {
  const s = sorted(xs);
  const added = name === 'plain' ? '' : `  +${(median(xs) - median(samples.plain)).toFixed(1)}`;
  console.log(`${name.padEnd(26)} ${median(xs).toFixed(1).padStart(6)} [${s[runs >> 2].toFixed(1)} ${s[(3 * runs) >> 2].toFixed(1)}]${added}`);
}
rmSync(dir, { recursive: true, force: true });
