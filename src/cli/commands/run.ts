// `mltrainer-governance run -- node app.js …`: starts a program with the governance preload and Node's
// permission model as a native floor, with the permission flags derived from the policy. Everything
// goes through NODE_OPTIONS, so node processes the program starts inherit both. Exit code: the child's
// (128 + signal number when a signal ended it).
import { spawn, spawnSync } from 'node:child_process';
import { constants } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { loadConfig } from '../../rules/load';
import { parseNodeVersion, permissionPlan, type NodeVersion } from '../permission-flags';
import { EXIT_OK, stringOption, UsageError, type Command, type CommandContext } from '../command';

const packageRoot = resolve(__dirname, '..', '..', '..', '..');
const preloadEntry = join(packageRoot, 'dist', 'register.js');
const FORWARDED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** The Node line that will run: the command's own when it is a node binary, else the CLI's. */
function nodeVersionOf(executable: string): NodeVersion {
  if (!/^node(\.exe)?$/.test(basename(executable))) return parseNodeVersion(process.version);
  const probe = spawnSync(executable, ['--version'], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  if (probe.status !== 0) throw new UsageError(`cannot run "${executable} --version": ${probe.error?.message ?? probe.stderr.trim()}`);
  return parseNodeVersion(probe.stdout);
}

/** One NODE_OPTIONS word; quoted so paths with spaces survive Node's parser. */
function optionWord(flag: string): string {
  return /[\s"\\]/.test(flag) ? `"${flag.replace(/[\\"]/g, '\\$&')}"` : flag;
}

function childEnvironment(ctx: CommandContext, flags: string[], configSource: string | null): NodeJS.ProcessEnv {
  const env = { ...process.env };
  const words = [`--require=${preloadEntry}`, ...flags].map(optionWord);
  env.NODE_OPTIONS = [env.NODE_OPTIONS ?? '', ...words].filter((word) => word !== '').join(' ');
  if (stringOption(ctx, 'config') !== undefined && configSource !== null) env.MLTRAINER_GOVERNANCE_CONFIG = configSource;
  return env;
}

function runChild(executable: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolveExit, reject) => {
    const child = spawn(executable, args, { cwd, env, stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
    const stopForwarding = () => {
      for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
    };
    child.on('error', (error) => {
      stopForwarding();
      reject(new UsageError(`cannot start ${executable}: ${error.message}`));
    });
    child.on('exit', (code, signal) => {
      stopForwarding();
      resolveExit(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}

const command: Command = {
  name: ['run'],
  summary: 'run a program with the governance preload and Node\'s permission model as a native floor',
  usage: 'mltrainer-governance run [--dry-run] [--config FILE] -- node app.js [args…]',
  options: { 'dry-run': { type: 'boolean' } },
  async run(ctx) {
    const [executable, ...args] = ctx.positionals;
    if (executable === undefined) throw new UsageError('needs a command after --, e.g. mltrainer-governance run -- node app.js');
    const loaded = loadConfig({ configPath: stringOption(ctx, 'config'), cwd: ctx.cwd });
    const version = nodeVersionOf(executable);
    const plan = permissionPlan({ loaded, version, packageRoot, cwd: ctx.cwd });
    const env = childEnvironment(ctx, plan.flags, loaded.source);
    if (ctx.values['dry-run'] === true) {
      const report = { command: [executable, ...args], nodeVersion: `${version.major}.${version.minor}`, nodeOptions: env.NODE_OPTIONS, flags: plan.flags, reasons: plan.reasons };
      ctx.out(ctx.values.json === true ? `${JSON.stringify(report)}\n` : `NODE_OPTIONS=${env.NODE_OPTIONS}\n${plan.reasons.map((r) => `  ${r}`).join('\n')}\n`);
      return EXIT_OK;
    }
    return runChild(executable, args, ctx.cwd, env);
  },
};

export default command;
