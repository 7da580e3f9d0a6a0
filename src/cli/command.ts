// The shape every `mltrainer-governance` command has, and the helpers they share.
import type { ParseArgsConfig } from 'node:util';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface CommandContext {
  /** Values of the parsed options (the common `config`, `json` and `help` included). */
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  /** Positional arguments after the command name. */
  positionals: string[];
  cwd: string;
  out(text: string): void;
  err(text: string): void;
}

export interface Command {
  /** Words that select the command, e.g. `['audit', 'verify']`. */
  name: readonly string[];
  summary: string;
  usage: string;
  options: OptionSpec;
  run(ctx: CommandContext): number | Promise<number>;
}

export const EXIT_OK = 0;
export const EXIT_PROBLEMS = 1;
export const EXIT_USAGE = 2;

/** A mistake in how the command was called, or a bad configuration: exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function stringOption(ctx: CommandContext, name: string): string | undefined {
  const v = ctx.values[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new UsageError(`--${name} needs a value`);
  return v;
}

export function intOption(ctx: CommandContext, name: string): number | undefined {
  const v = stringOption(ctx, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer, got "${v}"`);
  return n;
}
