#!/usr/bin/env node
// `mltrainer-verify` = `mltrainer-governance verify`.
import { main } from './main';

main(['verify', ...process.argv.slice(2)]).then(
  (code) => { process.exitCode = code; },
  (error) => {
    process.stderr.write(`mltrainer-verify: ${(error as Error).stack ?? error}\n`);
    process.exitCode = 2;
  },
);
