#!/usr/bin/env node
// Entry point of the `mltrainer-governance` binary: selects a command, parses its options, maps errors to exit codes.
import { parseArgs } from 'node:util';
import { commands, type CommandEntry } from './commands/index';
import { ConfigError } from '../rules/errors';
import { EXIT_USAGE, UsageError, type Command, type CommandContext, type OptionSpec } from './command';

const commonOptions: OptionSpec = {
  config: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

function select(argv: string[]): { entry: CommandEntry; rest: string[] } | undefined {
  let best: CommandEntry | undefined;
  for (const entry of commands) {
    const matches = entry.name.every((word, i) => argv[i] === word);
    if (matches && (!best || entry.name.length > best.name.length)) best = entry;
  }
  return best && { entry: best, rest: argv.slice(best.name.length) };
}

function helpText(): string {
  const lines = ['Usage: mltrainer-governance <command> [options]', '', 'Commands:'];
  for (const c of commands) lines.push(`  ${c.name.join(' ').padEnd(22)} ${c.summary}`);
  lines.push('', 'Every command takes --config FILE and --json. Exit codes: 0 ok, 1 problems found, 2 usage or config error.');
  return lines.join('\n');
}

function commandHelp(command: Command): string {
  return `Usage: mltrainer-governance ${command.usage}\n\n${command.summary}`;
}

export async function main(argv: string[], io = { out: (s: string) => process.stdout.write(s + '\n'), err: (s: string) => process.stderr.write(s + '\n') }): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(helpText());
    return argv.length === 0 ? EXIT_USAGE : 0;
  }
  const selected = select(argv);
  if (!selected) {
    io.err(`mltrainer-governance: unknown command "${argv.join(' ')}"\n\n${helpText()}`);
    return EXIT_USAGE;
  }
  const command = selected.entry.load();
  try {
    const { values, positionals } = parseArgs({
      args: selected.rest,
      options: { ...commonOptions, ...command.options },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      io.out(commandHelp(command));
      return 0;
    }
    const ctx: CommandContext = { values, positionals, cwd: process.cwd(), out: io.out, err: io.err };
    return await command.run(ctx);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`mltrainer-governance ${command.name.join(' ')}: ${(error as Error).message}`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

/** A reader that stopped early (`audit query --json | head`) is not an error: stop writing, quietly. */
function exitOnClosedPipe(error: NodeJS.ErrnoException): void {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
}

if (require.main === module) {
  process.stdout.on('error', exitOnClosedPipe);
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (error) => {
      process.stderr.write(`mltrainer-governance: ${(error as Error).stack ?? error}\n`);
      process.exitCode = EXIT_USAGE;
    },
  );
}
