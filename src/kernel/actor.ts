import { userInfo } from 'node:os';

export const ACTOR_ENV = 'MLTRAINER_ACTOR';

/** Who the process acts for: `$MLTRAINER_ACTOR`, else the OS user. */
export function defaultActor(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[ACTOR_ENV];
  if (fromEnv) return fromEnv;
  try {
    return userInfo().username;
  } catch {
    return `uid:${process.getuid?.() ?? 'unknown'}`;
  }
}
