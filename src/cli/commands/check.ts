// `mltrainer-governance check [paths…]`: the static checks, for pre-commit hooks and CI.
import { dirname, relative, resolve } from 'node:path';
import { applyBaseline, readBaseline, writeBaseline } from '../../analysis/baseline';
import { checkFilesInParallel, defaultJobs } from '../../analysis/check-parallel';
import { CheckError } from '../../analysis/errors';
import { formatJson, formatSarif, formatText } from '../../analysis/reporters';
import { CHECK_NAMES, ruleMetasOf } from '../../analysis/rules';
import type { CheckName, CheckOptions, CheckResult } from '../../analysis/types';
import { isInside, toPosix } from '../../analysis/engine/paths';
import { GOVERNANCE_PACKAGE } from '../../analysis/missing-governance-import';
import { loadConfig } from '../../rules/load';
import { ConfigError } from '../../rules/errors';
import { EXIT_OK, EXIT_PROBLEMS, stringOption, UsageError, type Command, type CommandContext } from '../command';

const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

function formatOf(ctx: CommandContext): Format {
  const format = stringOption(ctx, 'format') ?? (ctx.values.json ? 'json' : 'text');
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${format}"`);
  if (ctx.values.json && format !== 'json') throw new UsageError(`--json conflicts with --format ${format}`);
  return format as Format;
}

/** The `--rules` list; the names are validated by the checker (a CheckError, so exit 2). */
function checksOf(ctx: CommandContext): CheckName[] | undefined {
  const list = stringOption(ctx, 'rules');
  if (list === undefined) return undefined;
  const names = list.split(',').map((name) => name.trim()).filter((name) => name !== '');
  if (names.length === 0) throw new UsageError('--rules needs at least one check name');
  return names as CheckName[];
}

/** A `--require-import` glob (relative to the working directory) made relative to `baseDir`. */
function rebase(glob: string, cwd: string, baseDir: string): string {
  const prefix = toPosix(relative(baseDir, cwd));
  return prefix === '' || !isInside(cwd, baseDir) ? glob : `${prefix}/${glob}`;
}

function optionsOf(ctx: CommandContext): CheckOptions {
  const { config, source } = loadConfig({ configPath: stringOption(ctx, 'config'), cwd: ctx.cwd });
  // Config globs are relative to the config file's folder.
  const baseDir = source ? dirname(source) : ctx.cwd;
  const globs = [...(config.analysis.requireGovernanceImport ?? []), ...((ctx.values['require-import'] as string[] | undefined) ?? []).map((glob) => rebase(glob, ctx.cwd, baseDir))];
  return {
    cwd: ctx.cwd,
    checks: checksOf(ctx),
    staged: ctx.values.staged === true,
    checkGenerated: ctx.values['check-generated'] === true,
    settings: { baseDir, exempt: config.analysis.exempt ?? [], requireImport: globs.map((glob) => ({ glob, module: GOVERNANCE_PACKAGE })) },
  };
}

function jobsOf(ctx: CommandContext): number {
  const text = stringOption(ctx, 'jobs');
  if (text === undefined) return defaultJobs();
  const jobs = Number(text);
  if (!/^\d+$/.test(text) || jobs < 1) throw new UsageError(`--jobs must be a whole number of at least 1, got "${text}"`);
  return jobs;
}

function report(ctx: CommandContext, format: Format, result: CheckResult, checks: readonly CheckName[]): void {
  if (format === 'json') ctx.out(formatJson(result));
  else if (format === 'sarif') ctx.out(formatSarif(result, ruleMetasOf(checks), ctx.cwd));
  else ctx.out(formatText(result));
}

const command: Command = {
  name: ['check'],
  summary: 'static checks: synthetic data, secrets, missing governance imports, deceptive imports, fake method calls',
  usage:
    'check [paths...] [--rules LIST] [--staged] [--format text|json|sarif] [--baseline FILE] [--write-baseline FILE] [--require-import GLOB]... [--check-generated] [--jobs N]\n\n' +
    `  paths              files or folders (default: the repository, honouring .gitignore and .governanceignore)\n` +
    `  --rules LIST       comma-separated checks: ${CHECK_NAMES.join(', ')}\n` +
    '  --staged           check the files staged in the git index, as staged (git show :path)\n' +
    '  --format FORMAT    text (default, with code frames), json (same as --json) or sarif (GitHub code scanning)\n' +
    '  --baseline FILE    hide findings recorded in FILE\n' +
    '  --write-baseline FILE  record the current findings in FILE (exit 0)\n' +
    '  --require-import GLOB  files matching GLOB must import @mltrainer/governance (repeatable; adds to analysis.requireGovernanceImport)\n' +
    '  --check-generated  run every check on files that look generated or minified (over 256 KB, or lines of over\n' +
    '                     250 characters on average); by default they get the secret check only and are listed\n' +
    '  --jobs N           worker threads (default: one per core but one, at most 8; 1 checks on this thread)\n\n' +
    'Exit codes: 0 no findings, 1 findings, 2 usage or configuration error.',
  options: {
    rules: { type: 'string' },
    staged: { type: 'boolean' },
    format: { type: 'string' },
    baseline: { type: 'string' },
    'write-baseline': { type: 'string' },
    'require-import': { type: 'string', multiple: true },
    'check-generated': { type: 'boolean' },
    jobs: { type: 'string' },
  },
  async run(ctx) {
    const format = formatOf(ctx);
    const jobs = jobsOf(ctx);
    try {
      const options = optionsOf(ctx);
      let result = await checkFilesInParallel(ctx.positionals, options, jobs);
      const writeTo = stringOption(ctx, 'write-baseline');
      if (writeTo !== undefined) {
        writeBaseline(resolve(ctx.cwd, writeTo), result);
        ctx.err(`wrote a baseline of ${result.findings.length} finding(s) to ${writeTo}`);
        return EXIT_OK;
      }
      const baselinePath = stringOption(ctx, 'baseline');
      if (baselinePath !== undefined) result = applyBaseline(result, readBaseline(resolve(ctx.cwd, baselinePath)));
      report(ctx, format, result, options.checks ?? CHECK_NAMES);
      return result.findings.length > 0 ? EXIT_PROBLEMS : EXIT_OK;
    } catch (error) {
      if (error instanceof CheckError || error instanceof ConfigError) throw new UsageError(error.message);
      throw error;
    }
  },
};

export default command;
