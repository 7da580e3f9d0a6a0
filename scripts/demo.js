// `npm run demo`: runs examples/quickstart/app.js under governance, then reads and verifies its audit log.
'use strict';
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const project = join(root, 'examples', 'quickstart');
const cli = join(root, 'dist', 'src', 'cli', 'main.js');

function step(title, args) {
  console.log(`\n$ ${title}`);
  const result = spawnSync(process.execPath, args, { cwd: project, stdio: 'inherit', env: { ...process.env, NODE_OPTIONS: '' } });
  return result.status;
}

step('node --require @mltrainer/governance app.js', ['--require', join(root, 'dist', 'register.js'), 'app.js']);
step('mltrainer-governance audit query --decision deny', [cli, 'audit', 'query', '--decision', 'deny']);
const status = step('mltrainer-governance audit verify', [cli, 'audit', 'verify']);
process.exitCode = status ?? 1;
