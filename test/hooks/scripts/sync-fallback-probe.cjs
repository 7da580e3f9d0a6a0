// Sync spawns when the spawn_sync binding cannot be reached (process.binding refused, as under Node's
// permission model, or removed, as a future Node may do): the public wrappers decide from their arguments, and an allowed node child still gets the
// preload (in its NODE_OPTIONS and arguments) whatever env it was given. Kernel: production, only
// `echo`, `sh` and this node.
'use strict';
const { join } = require('node:path');
const dist = join(__dirname, '..', '..', '..', 'dist', 'src');
Object.defineProperty(process, 'binding', { value: () => { throw new Error('No such module'); }, configurable: true, writable: true });
const { startKernel } = require(join(dist, 'kernel', 'gate.js'));
const { RuleSet } = require(join(dist, 'rules', 'match.js'));
const { installChildProcessHooks } = require(join(dist, 'hooks', 'child-process.js'));
const rules = new RuleSet([{ id: 'tools', action: 'process_spawn', target: ['echo', 'sh', process.execPath], effect: 'allow' }], 'deny');
startKernel({ rules, level: 'production', actor: 'probe', writer: null, onInternalError: (e) => { throw e; } });
installChildProcessHooks();
const cp = require('node:child_process');
const [marker] = process.argv.slice(2);

const code = (fn) => { try { fn(); return 'ran'; } catch (error) { return error.code; } };
process.stdout.write(JSON.stringify({
  spawnSync: cp.spawnSync('touch', [marker]).error?.code,
  spawnSyncShell: cp.spawnSync(`touch ${marker}`, { shell: true }).error?.code,
  execSync: code(() => cp.execSync(`touch ${marker}`)),
  execSyncPathEnv: code(() => cp.execSync(`touch ${marker}`, { env: { PATH: '/usr/bin:/bin' } })),
  execFileSync: code(() => cp.execFileSync('/usr/bin/touch', [marker])),
  allowedExecSync: cp.execSync('echo ok').toString().trim(),
  allowedSpawnSync: cp.spawnSync('echo', ['ok']).stdout.toString().trim(),
  nodeChild: JSON.parse(cp.execFileSync(process.execPath, ['-p', 'JSON.stringify([process.env.NODE_OPTIONS, process.execArgv])'], { env: {}, encoding: 'utf8' })),
  inspectChild: cp.spawnSync(process.execPath, ['--inspect=0', '-e', '0']).error?.code,
}));
