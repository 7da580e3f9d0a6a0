// Sync spawns on the fallback path (no spawn_sync binding: Node's permission model, or a Node without
// process.binding) against a program that poisoned the prototypes before calling them. argv: attack, marker.
// Kernel: production, only `echo` (/bin/echo, /usr/bin/echo) and this node may run. Prints the attack's outcome as JSON.
'use strict';
const { dirname, join } = require('node:path');
const { chmodSync, writeFileSync } = require('node:fs');
const dist = join(__dirname, '..', '..', '..', 'dist', 'src');
Object.defineProperty(process, 'binding', { value: () => { throw new Error('No such module'); }, configurable: true, writable: true });
const { startKernel } = require(join(dist, 'kernel', 'gate.js'));
const { RuleSet } = require(join(dist, 'rules', 'match.js'));
const { installChildProcessHooks } = require(join(dist, 'hooks', 'child-process.js'));
const rules = new RuleSet([{ id: 'tools', action: 'process_spawn', target: ['/bin/echo', '/usr/bin/echo', process.execPath], effect: 'allow' }], 'deny');
startKernel({ rules, level: 'production', actor: 'probe', writer: null, onInternalError: (e) => { throw e; } });
installChildProcessHooks();
const cp = require('node:child_process');
const [attack, marker] = process.argv.slice(2);

/** Makes the next write of index `key` on an array that lacks it leave a getter for `value` in its place (once). */
function plantIndex(key, value) {
  Object.defineProperty(Array.prototype, key, {
    configurable: true,
    set() {
      delete Array.prototype[key];
      Object.defineProperty(this, key, { get: () => value, set() {}, configurable: true, enumerable: true });
    },
  });
}

const attacks = {
  // spawnSync('echo'): the checked arguments and options are swapped for a shell command as Node reads them.
  argumentSlots() {
    plantIndex('1', [`; touch ${marker}`]);
    plantIndex('2', { shell: true });
    return cp.spawnSync('echo').status;
  },
  // The check reads no `shell` (false), Node reads `shell: true` from the same inherited getter.
  inheritedShell() {
    let reads = 0;
    Object.defineProperty(Object.prototype, 'shell', { configurable: true, get: () => (reads++ === 0 ? undefined : true) });
    return cp.spawnSync('echo', [`; touch ${marker}`], {}).status;
  },
  // The directory as a file: URL or a Buffer, which Node converts itself: `./echo` there is the marker script, not
  // the allowed /usr/bin/echo the check found when it resolved PATH's `.` against the current directory.
  urlCwd() {
    return spawnInDirectory((dir) => new URL(`file://${dir}/`));
  },
  bufferCwd() {
    return spawnInDirectory((dir) => Buffer.from(dir));
  },
  // A node child given `{}` as options: the env with governance's preload must reach it.
  inheritedEnv() {
    Object.defineProperty(Object.prototype, 'env', { configurable: true, set() {}, get: () => undefined });
    const out = cp.execFileSync(process.execPath, ['-p', 'JSON.stringify([process.env.NODE_OPTIONS || "", process.execArgv])'], { encoding: 'utf8' });
    return out.trim();
  },
};

function spawnInDirectory(asCwd) {
  const dir = dirname(marker);
  writeFileSync(join(dir, 'echo'), `#!/bin/sh\ntouch ${marker}\n`);
  chmodSync(join(dir, 'echo'), 0o755);
  const result = cp.spawnSync('echo', [], { cwd: asCwd(dir), env: { PATH: '.:/usr/bin:/bin' } });
  return result.error === undefined ? result.status : result.error.code;
}

let outcome;
try {
  outcome = attacks[attack]();
} catch (error) {
  outcome = error.code ?? String(error);
  if (process.env.PROBE_DEBUG) console.error(error);
}
process.stdout.write(JSON.stringify(outcome));
