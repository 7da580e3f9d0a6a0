import type { Level } from '../types';

const RANK: Readonly<Record<Level, number>> = { development: 0, staging: 1, production: 2 };
export const LEVEL_ENV = 'MLTRAINER_ENFORCEMENT_LEVEL';

export function isLevel(value: unknown): value is Level {
  return typeof value === 'string' && Object.hasOwn(RANK, value);
}

/** The stricter of two levels. */
export function stricter(a: Level, b: Level): Level {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * The level in force: the config's, raised (never lowered) by `$MLTRAINER_ENFORCEMENT_LEVEL`.
 * The variable is case-insensitive; an unknown value is an error the caller reports.
 */
export function effectiveLevel(configLevel: Level, env: NodeJS.ProcessEnv = process.env): { level: Level; envError: string | null } {
  const raw = env[LEVEL_ENV];
  if (raw === undefined || raw === '') return { level: configLevel, envError: null };
  const wanted = raw.toLowerCase() === 'strict' ? 'production' : raw.toLowerCase();
  if (!isLevel(wanted)) {
    return { level: configLevel, envError: `${LEVEL_ENV}="${raw}" is not one of development, staging, production` };
  }
  return { level: stricter(configLevel, wanted), envError: null };
}

export function blocks(level: Level): boolean {
  return level !== 'development';
}
