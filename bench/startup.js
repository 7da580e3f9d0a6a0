// Start-up cost of the preload: `node --import @mltrainer/governance -e 0` (and --require) against plain
// `node -e 0`, median of N runs each, interleaved so that machine load hits all variants alike.
// Runs in a temp project with a production policy whose validated config is already cached.
// Usage: node bench/startup.js [runs=20]
'use strict';
const { spawnSync } = require('node:child_process');
const { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');

const runs = Number(process.argv[2] ?? 20);
const root = resolve(__dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'gov-startup-'));
mkdirSync(join(dir, 'node_modules', '@mltrainer'), { recursive: true });
symlinkSync(root, join(dir, 'node_modules', '@mltrainer', 'governance'));
writeFileSync(join(dir, 'governance.config.json'), JSON.stringify({
  level: 'production', default: 'deny',
  rules: [
    { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
    { id: 'tmp', action: 'file_write', target: '/tmp/**', effect: 'allow' },
  ],
}));

// Node's own floor for ESM governance where only module.register exists (Node < 22.15): an empty
// loader costs the hooks thread's start-up, whoever registers it.
writeFileSync(join(dir, 'empty-loader.mjs'), 'export async function load(url, context, next) { return next(url, context); }\n');
writeFileSync(join(dir, 'register-empty-loader.mjs'), "import { register } from 'node:module';\nregister('./empty-loader.mjs', import.meta.url);\n");
const hasRegisterHooks = typeof require('node:module').registerHooks === 'function';

const variants = {
  'node -e 0': ['-e', '0'],
  ...(hasRegisterHooks ? {} : { 'empty module.register (Node floor)': ['--import', './register-empty-loader.mjs', '-e', '0'] }),
  '--import': ['--import', '@mltrainer/governance', '-e', '0'],
  '--require': ['--require', '@mltrainer/governance', '-e', '0'],
};
const env = { ...process.env, NODE_OPTIONS: '' };
function once(args) {
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, args, { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
  if (child.status !== 0) throw new Error(`${args.join(' ')} exited ${child.status}: ${child.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}
for (const args of Object.values(variants)) once(args); // warm caches, create keys and the config cache
const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
for (let i = 0; i < runs; i++) for (const [name, args] of Object.entries(variants)) times[name].push(once(args));
const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
const base = median(times['node -e 0']);
console.log(`node ${process.version}, ${runs} runs each, median ms, load average ${require('node:os').loadavg().map((l) => l.toFixed(1)).join(' ')}`);
for (const [name, xs] of Object.entries(times)) {
  const m = median(xs);
  console.log(`${name.padEnd(36)} ${m.toFixed(1).padStart(7)} ms   added ${(m - base).toFixed(1).padStart(6)} ms   ratio ${(m / base).toFixed(2)}`);
}
