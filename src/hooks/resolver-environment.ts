// glibc's resolver reads three variables from the environment as it looks a name up: HOSTALIASES names a file that
// maps a name without dots to any other name, which it then queries instead; LOCALDOMAIN replaces the search list (a
// short name is queried with those domains appended); RES_OPTIONS sets ndots and the like. A program that set one in
// process.env made a name the policy allows (`dns:db`, `db:443`) query, and connect to, a name of its choosing
// (until 2026-11-23). A lookup through getaddrinfo while one differs from what this thread started with is refused.
import type { GovernanceDeniedError } from '../kernel/errors';
import { primordials } from '../primordials';
import { refuseBypass } from './internals-bypass';

// Captured at load: the program may put another object at process.env, but the resolver reads the real environment.
const env = process.env;
const RESOLVER_VARIABLES: readonly string[] = primordials.stringList(['HOSTALIASES', 'LOCALDOMAIN', 'RES_OPTIONS']);
const startup: (string | undefined)[] = primordials.newList();
for (let i = 0; i < RESOLVER_VARIABLES.length; i++) startup[i] = env[RESOLVER_VARIABLES[i]];

/** The first resolver variable whose value in the environment is not the one this thread started with, or null. */
export function steeredResolver(): string | null {
  for (let i = 0; i < RESOLVER_VARIABLES.length; i++) if (env[RESOLVER_VARIABLES[i]] !== startup[i]) return RESOLVER_VARIABLES[i];
  return null;
}

/** Refuses a getaddrinfo lookup (`target`: its `dns:<name>`) while the resolver is steered; null when it may go on. */
export function refuseSteeredLookup(target: string): GovernanceDeniedError | null {
  const variable = steeredResolver();
  if (variable === null) return null;
  return refuseBypass('net_connect', target, `a lookup while ${variable} is not what this process started with (the resolver reads it)`);
}
