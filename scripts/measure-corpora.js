#!/usr/bin/env node
// Runs every scripts/corpora/measure-*.js and prints all their figures. Run `npm run build` first.
// Usage: node scripts/measure-corpora.js [--corpus DIR]   (DIR: the shared corpora folder, passed on as GOVERNANCE_CORPORA)
'use strict';
const { spawnSync } = require('node:child_process');
const { readdirSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { parseArgs } = require('node:util');

const { values } = parseArgs({ options: { corpus: { type: 'string' } } });
const env = values.corpus ? { ...process.env, GOVERNANCE_CORPORA: resolve(values.corpus) } : process.env;
const folder = join(__dirname, 'corpora');
let failed = 0;
for (const name of readdirSync(folder).filter((n) => /^measure-.*\.js$/.test(n)).sort()) {
  console.log(`== ${name}`);
  const run = spawnSync(process.execPath, [join(folder, name)], { env, stdio: 'inherit' });
  if (run.status !== 0) {
    failed++;
    console.log(`   (${name} exited with ${run.status ?? run.signal})`);
  }
  console.log('');
}
process.exit(failed > 0 ? 1 : 0);
