// Reading the JSON line printed by fixtures/apps/hooks/harness.cjs and the form each attempt must surface in.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './governed-run';

export interface RouteOutcome {
  surfaced: 'none' | 'throw' | 'callback' | 'callback-sync' | 'reject' | 'error-event' | 'value';
  code?: string;
  message?: string;
  /** For 'value' outcomes: what the call returned. */
  value?: unknown;
}

/**
 * The object an app printed as JSON on its `RESULTS ` line, or {} when it printed none: each suite's "ran to
 * completion" test then shows the exit status and stderr that say why.
 */
export function printedResults<T extends object>(run: { stdout: string }): T {
  const line = run.stdout.split('\n').find((l) => l.startsWith('RESULTS '));
  return (line === undefined ? {} : JSON.parse(line.slice('RESULTS '.length))) as T;
}

/** The same, for suites that cannot go on without it: throws with the app's output when it printed none. */
export function routeResults<T extends object = Record<string, RouteOutcome>>(run: { stdout: string; stderr: string; status: number | null }): T {
  if (!run.stdout.includes('RESULTS ')) throw new Error(`no RESULTS line (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  return printedResults(run);
}

/** How Node reports an error for the fs API form named by the attempt's label. */
export function expectedSurface(label: string): RouteOutcome['surfaced'] {
  if (label.startsWith('promises.') || label.includes('(promise)')) return 'reject';
  if (label.includes('Stream')) return 'error-event';
  if (/Sync\b|Sync /.test(label) || label.includes('(sync)')) return 'throw';
  return 'callback';
}

/** Files of fixtures/apps/hooks to copy into a test project. */
export function hookApp(...names: string[]): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of ['harness.cjs', ...names]) files[name] = readFileSync(join(REPO_ROOT, 'fixtures/apps/hooks', name), 'utf8');
  return files;
}
