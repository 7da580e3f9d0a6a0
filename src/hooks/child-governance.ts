// What every process and worker this process starts carries so that it runs governed too: our CommonJS
// preload, this process's config location and its enforcement level (a child may raise the level, never
// lower it, and cannot point itself at another policy through the environment it was given), and the actor
// it acts for (a child's entries name this process's actor, not one the program put in its environment).
import { join } from 'node:path';
import { governanceStatus } from '../activate';
import { kernelActor, kernelLevel } from '../kernel/gate';
import { ACTOR_ENV } from '../kernel/actor';
import { LEVEL_ENV } from '../kernel/level';

/** dist/register.js, the CommonJS preload (the ESM entry loads it too). */
export const PRELOAD = join(__dirname, '..', '..', 'register.js');
export const CONFIG_ENV = 'MLTRAINER_GOVERNANCE_CONFIG';
/** Set (to the parent's pid) in every child a governed process starts: such a child decides its file flags too (own-flags.ts). */
export const PARENT_ENV = 'MLTRAINER_GOVERNED_PARENT';
export const NODE_OPTIONS = 'NODE_OPTIONS';
/**
 * A variable whose name starts with one of these is governance's to give a child (the preload in NODE_OPTIONS,
 * CONFIG_ENV, LEVEL_ENV, PARENT_ENV, the actor): a program may not set or unset it on the way to one.
 */
export const CHILD_VARIABLE_PREFIXES: readonly string[] = Object.freeze([NODE_OPTIONS, 'MLTRAINER_']);
const QUOTED_CHARS = /["\\]/g;

/** `--require "<preload>"`, quoted the way Node parses NODE_OPTIONS. */
export const PRELOAD_OPTION = `--require "${PRELOAD.replace(QUOTED_CHARS, '\\$&')}"`;

/** The variables a governed child must see, with their values here; `null` means the child must not have it. */
export function governanceVariables(): [string, string | null][] {
  const source = governanceStatus()?.configSource;
  const level = kernelLevel();
  return [
    [CONFIG_ENV, source === undefined ? null : source],
    [LEVEL_ENV, level],
    [PARENT_ENV, `${process.pid}`],
    [ACTOR_ENV, kernelActor()],
  ];
}

/** Sets (or removes) the governance variables in a plain environment object. */
export function applyGovernanceVariables(env: Record<string, unknown>): void {
  const variables = governanceVariables();
  for (let i = 0; i < variables.length; i++) {
    const name = variables[i][0];
    const value = variables[i][1];
    if (value === null) delete env[name];
    else env[name] = value;
  }
}
