// A small "pipeline" run under governance: `node --require @mltrainer/governance app.js`.
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

function attempt(label, fn) {
  try {
    fn();
    console.log(`allowed  ${label}`);
  } catch (error) {
    console.log(`blocked  ${label}\n         ${error.code}: ${error.message}`);
  }
}

const out = path.join(__dirname, 'out');
attempt('write out/report.csv', () => {
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'report.csv'), 'model,accuracy\nbaseline,0.91\n');
});
attempt('write ../leak.txt', () => fs.writeFileSync(path.join(__dirname, '..', 'leak.txt'), 'secrets'));
attempt('spawn curl', () => execFileSync('curl', ['--version']));
attempt('write exports/share.csv without approval', () => {
  fs.mkdirSync(path.join(__dirname, 'exports'), { recursive: true });
});
