// Lists fs and fs/promises exports before and after installHooks (kernel started with an allow-all rule
// set and no audit log) and reports, per function export, whether it was replaced, locked and kept its shape.
'use strict';
const { join } = require('node:path');
const fs = require('node:fs');
const dist = join(__dirname, '..', '..', '..', 'dist', 'src');
const { startKernel } = require(join(dist, 'kernel', 'gate.js'));
const { RuleSet } = require(join(dist, 'rules', 'match.js'));
const { installHooks } = require(join(dist, 'hooks', 'index.js'));

function snapshot(owner) {
  const out = {};
  for (const key of Object.keys(owner)) if (typeof owner[key] === 'function') out[key] = owner[key];
  return out;
}

const childProcess = require('node:child_process');
const before = { fs: snapshot(fs), promises: snapshot(fs.promises), childProcess: snapshot(childProcess) };
const nativeBefore = fs.realpathSync.native;
startKernel({ rules: new RuleSet([], 'allow'), level: 'production', actor: 'probe', writer: null, onInternalError: (e) => { throw e; } });
installHooks();

function report(owner, originals) {
  const out = {};
  for (const [key, original] of Object.entries(originals)) {
    const descriptor = Object.getOwnPropertyDescriptor(owner, key);
    const now = owner[key];
    out[key] = {
      replaced: now !== original,
      locked: descriptor !== undefined && descriptor.writable === false && descriptor.configurable === false,
      sameName: now.name === original.name,
      sameLength: now.length === original.length,
    };
  }
  return out;
}

process.stdout.write(JSON.stringify({
  node: process.version,
  fs: report(fs, before.fs),
  promises: report(fs.promises, before.promises),
  realpathNativeReplaced: fs.realpathSync.native !== nativeBefore,
  childProcess: report(childProcess, before.childProcess),
  childProcessPrototypeSpawnLocked: Object.getOwnPropertyDescriptor(childProcess.ChildProcess.prototype, 'spawn').writable === false,
}));
