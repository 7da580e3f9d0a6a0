// Per-module cost of governed loading: a real dependency tree (@babel/traverse, @babel/parser, semver,
// tar-stream, readable-stream: 200+ CommonJS modules that governance itself does not load) and the ESM
// build of zod (imported, so every file goes through the ESM hooks), loaded in a fresh process by plain
// `node` and by `node --require` / `--import @mltrainer/governance` under an allow-all production policy
// (every load is decided and recorded). Each child times its own loading (hrtime around the requires /
// the import, and its own CPU time over the same span: process.cpuUsage, all threads) and counts the
// modules it loaded; runs are interleaved and the medians are reported with the load average. The same
// is measured for a single one-line module: the difference between the two is the cost per module, free
// of fixed costs (on Node 20 the first import starts the module-hooks thread). Some fixed costs only show
// in a longer run (the first young-generation GCs copy governance's own start-up objects, the first major
// GC marks them), so the CommonJS tree is also loaded with 148 more modules after it (postcss, zod's CJS
// build, prebuild-install...): the marginal cost per module is the difference between the two trees.
// Those whole-tree figures follow where V8's collections fall and move by 15-30 µs per module between runs.
// So each CommonJS load is also timed on its own (its require() minus the require() calls it makes, by a
// wrapper above governance's Module._load): the median over the tree's modules of what governance adds to a
// load is the budget's figure ("a module load adds at most 20 µs median"), with the 90th percentile and mean.
// Usage: node bench/module-load.js [runs=15]
'use strict';
const { spawnSync } = require('node:child_process');
const { readFileSync, rmSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const { dirname, join, resolve } = require('node:path');
const { root, makeLoadFixture, childEnv } = require('./load-fixture');

const runs = Number(process.argv[2] ?? 15);
const dir = makeLoadFixture('gov-module-load-');

const CJS_TREE = ['@babel/traverse', '@babel/parser', 'semver', 'tar-stream', 'readable-stream'];
const CJS_MORE = ['postcss', 'zod', 'prebuild-install', 'tar-fs', 'debug', 'source-map-js', 'magic-string', 'picomatch', 'tinyglobby', 'rc'];
// Each window ends SETTLE_MS after the loads, long enough for the audit writer's first timed commit (due 10 ms
// after the governance_activate entry; module loads alone may wait 100 ms) to run in both the tree and the
// one-module variant: the first commit of a process (cold code, first statements) is a fixed cost, which the
// one-module run would otherwise leave until exit, outside its window.
const SETTLE_MS = 25;
writeFileSync(join(dir, 'cjs-tree.cjs'), `
const { createRequire } = require('node:module');
const load = createRequire(${JSON.stringify(join(root, 'package.json'))});
const before = Object.keys(require.cache).length;
const cpu0 = process.cpuUsage();
const start = process.hrtime.bigint();
if (process.argv[2] === 'one') require('./one.cjs');
else for (const name of ${JSON.stringify(CJS_TREE)}) load(name);
if (process.argv[2] === 'more') for (const name of ${JSON.stringify(CJS_MORE)}) load(name);
setTimeout(() => {
  const ns = Number(process.hrtime.bigint() - start);
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(JSON.stringify({ ns, cpuUs: cpu.user + cpu.system, modules: Object.keys(require.cache).length - before }));
}, ${SETTLE_MS});
`);
writeFileSync(join(dir, 'esm-tree.mjs'), `
const zod = ${JSON.stringify(join(root, 'node_modules', 'zod', 'index.js'))};
const cpu0 = process.cpuUsage();
const start = process.hrtime.bigint();
await import(process.argv[2] === 'one' ? './one.mjs' : zod);
await new Promise((settled) => setTimeout(settled, ${SETTLE_MS}));
const ns = Number(process.hrtime.bigint() - start);
const cpu = process.cpuUsage(cpu0);
process.stdout.write(JSON.stringify({ ns, cpuUs: cpu.user + cpu.system }));
`);

// Each first load of the CommonJS tree timed on its own: its require() call minus the require() calls it
// made. Wraps Module#require (above governance's Module._load), so the same wrapper runs in every variant.
writeFileSync(join(dir, 'cjs-each.cjs'), `
const Module = require('node:module');
const { createRequire, isBuiltin } = Module;
const original = Module.prototype.require;
const seen = new Set();
const loads = {};
let childMs = 0;
Module.prototype.require = function require(id) {
  const outerChildMs = childMs;
  childMs = 0;
  const start = performance.now();
  let exports;
  try {
    exports = original.call(this, id);
  } finally {
    const ms = performance.now() - start;
    const ownMs = ms - childMs;
    childMs = outerChildMs + ms;
    if (!isBuiltin(id) && exports !== null && (typeof exports === 'object' || typeof exports === 'function') && !seen.has(exports)) {
      seen.add(exports);
      loads[this.filename + ' ' + id] = ownMs * 1000;
    }
  }
  return exports;
};
const load = createRequire(${JSON.stringify(join(root, 'package.json'))});
for (const name of ${JSON.stringify(CJS_TREE)}) load(name);
process.stdout.write(JSON.stringify(loads));
`);
writeFileSync(join(dir, 'one.cjs'), 'module.exports = 1;\n');
writeFileSync(join(dir, 'one.mjs'), 'export default 1;\n');

/** The files of an ESM graph, following its relative static imports and re-exports. */
function esmGraphSize(entry) {
  const seen = new Set([entry]);
  const queue = [entry];
  const specifiers = /(?:^|[;\s])(?:import|export)\s*(?:[^'"]*?\sfrom\s*)?["'](\.[^"']+)["']/g;
  while (queue.length > 0) {
    const file = queue.pop();
    for (const match of readFileSync(file, 'utf8').matchAll(specifiers)) {
      const next = resolve(dirname(file), match[1]);
      if (!seen.has(next)) { seen.add(next); queue.push(next); }
    }
  }
  return seen.size;
}
const esmCount = esmGraphSize(join(root, 'node_modules', 'zod', 'index.js'));

const env = childEnv();
function once(args) {
  const child = spawnSync(process.execPath, args, { cwd: dir, env, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`${args.join(' ')} exited ${child.status}: ${child.stderr}`);
  return JSON.parse(child.stdout);
}

const MODES = {
  plain: [],
  '--require': ['--require', '@mltrainer/governance'],
  '--import': ['--import', '@mltrainer/governance'],
  'hooks only': ['--require', './hooks-only.cjs'],
  'empty hooks (Node floor)': ['--require', './empty-hooks.cjs'],
};
const variants = {};
for (const [kind, script] of [['cjs', 'cjs-tree.cjs'], ['esm', 'esm-tree.mjs']]) {
  for (const [mode, flags] of Object.entries(MODES)) {
    variants[`${kind} ${mode}`] = [...flags, script];
    variants[`${kind}1 ${mode}`] = [...flags, script, 'one'];
    if (kind === 'cjs') variants[`cjs+ ${mode}`] = [...flags, script, 'more'];
  }
}
for (const args of Object.values(variants)) once(args); // warm the file cache, create keys and the audit log
const wall = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
const cpu = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
let cjsCount = 0;
let moreCount = 0;
const loadBefore = os.loadavg();
for (let i = 0; i < runs; i++) {
  for (const [name, args] of Object.entries(variants)) {
    const result = once(args);
    wall[name].push(result.ns / 1000);
    cpu[name].push(result.cpuUs);
    if (name === 'cjs plain') cjsCount = result.modules;
    if (name === 'cjs+ plain') moreCount = result.modules;
  }
}
const loadAfter = os.loadavg();
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const loads = (l) => l.map((x) => x.toFixed(2)).join(' ');
console.log(`node ${process.version}, ${os.cpus().length} CPUs, ${runs} runs each (interleaved); load average before ${loads(loadBefore)}, after ${loads(loadAfter)}`);
console.log('added µs per module = ((tree governed - tree plain) - (one module governed - one module plain)) / (modules - 1)');
console.log('variant                          modules  | wall: tree      one   added/module | CPU: tree      one   added/module');
for (const [kind, count] of [['cjs', cjsCount], ['esm', esmCount]]) {
  for (const mode of Object.keys(MODES)) {
    const cols = (samples) => {
      const tree = median(samples[`${kind} ${mode}`]);
      const one = median(samples[`${kind}1 ${mode}`]);
      const added = ((tree - median(samples[`${kind} plain`])) - (one - median(samples[`${kind}1 plain`]))) / (count - 1);
      return `${(tree / 1000).toFixed(1).padStart(7)} ms ${(one / 1000).toFixed(1).padStart(6)} ms ${mode === 'plain' ? '       —' : added.toFixed(1).padStart(8)}`;
    };
    console.log(`${`${kind} ${mode}`.padEnd(30)} ${String(count).padStart(7)}  | ${cols(wall)}     | ${cols(cpu)}`);
  }
}
console.log(`marginal µs per module = ((bigger tree governed - tree governed) - (same for plain)) / ${moreCount - cjsCount} more modules`);
for (const mode of Object.keys(MODES)) {
  if (mode === 'plain') continue;
  const marginal = (samples) => (((median(samples[`cjs+ ${mode}`]) - median(samples[`cjs ${mode}`])) - (median(samples['cjs+ plain']) - median(samples['cjs plain']))) / (moreCount - cjsCount)).toFixed(1).padStart(8);
  console.log(`${`cjs ${mode}`.padEnd(30)} wall ${marginal(wall)}   CPU ${marginal(cpu)}`);
}

// Per load: the median over the tree's modules of each module's own time (median over runs), and of what
// governance adds to it. GC pauses land in a few loads; the mean over modules shows them.
const EACH = Object.entries(MODES).filter(([mode]) => mode !== '--import');
const each = Object.fromEntries(EACH.map(([mode]) => [mode, {}]));
for (let i = 0; i < runs; i++) {
  for (const [mode, flags] of EACH) {
    for (const [key, us] of Object.entries(once([...flags, 'cjs-each.cjs']))) (each[mode][key] ??= []).push(us);
  }
}
const keys = Object.keys(each.plain).filter((key) => EACH.every(([mode]) => each[mode][key]?.length === runs));
const ownUs = Object.fromEntries(EACH.map(([mode]) => [mode, Object.fromEntries(keys.map((key) => [key, median(each[mode][key])]))]));
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];
console.log(`each load of the CommonJS tree on its own (${keys.length} modules, ${runs} runs): µs, median over modules of the per-module median over runs`);
console.log('variant                          own: median    mean | added: median     p90    mean');
for (const [mode] of EACH) {
  const own = keys.map((key) => ownUs[mode][key]);
  const added = keys.map((key) => ownUs[mode][key] - ownUs.plain[key]);
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const addedCols = mode === 'plain' ? '' : `${median(added).toFixed(1).padStart(14)} ${quantile(added, 0.9).toFixed(1).padStart(7)} ${mean(added).toFixed(1).padStart(7)}`;
  console.log(`${`cjs ${mode}`.padEnd(30)} ${median(own).toFixed(1).padStart(13)} ${mean(own).toFixed(1).padStart(7)} |${addedCols}`);
}
rmSync(dir, { recursive: true, force: true });
