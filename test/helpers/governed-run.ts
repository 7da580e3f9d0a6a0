// Shared e2e helper: runs a real `node` process with @mltrainer/governance preloaded, in a temporary
// project that links the package to this repository, against a real policy, and reads the real audit log.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe } from 'vitest';
import type { AuditEntry } from '../../src/types';
import { tempDir } from './temp-dirs';

/** How the preload is loaded: `node --import pkg`, `node --require pkg`, `NODE_OPTIONS="--import pkg" node`. */
export type LaunchMode = 'import' | 'require' | 'node_options';
export const LAUNCH_MODES: readonly LaunchMode[] = ['import', 'require', 'node_options'];

export const PACKAGE_NAME = '@mltrainer/governance';
/** The repository root, found from this file's own location. */
export const REPO_ROOT = resolve(__dirname, '..', '..');

export interface ProjectOptions {
  /** Written as governance.config.json; `stateDir` defaults to `.governance` (inside the project). */
  policy?: Record<string, unknown>;
  /** Relative path → contents (`.js`, `.mjs`, `.cjs`, data files...). */
  files?: Record<string, string>;
}

export interface RunOptions extends ProjectOptions {
  /** The app file to run, relative to the project (written via `files`). */
  entry: string;
  mode: LaunchMode;
  args?: string[];
  /** Added to a clean environment (inherited NODE_OPTIONS and MLTRAINER_* are removed). */
  env?: Record<string, string | undefined>;
  /** Reuse an existing project directory (from createProject or an earlier run). */
  dir?: string;
  timeoutMs?: number;
  /** Node flags put on the command line before the preload (e.g. `--experimental-shadow-realm`). */
  nodeFlags?: string[];
}

export interface GovernedRunResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The project directory (realpath). */
  dir: string;
  /** The audit log's entries, read from the project's state dir. */
  entries(): AuditEntry[];
}

/**
 * `describe.each(LAUNCH_MODES)` for a feature only some Node lines have. Vitest runs a skipped suite's body to collect
 * its tests, and these bodies start processes: without the feature the suite is reported skipped and its body not run.
 */
export function describeEachModeIf(supported: boolean, name: string, body: (mode: LaunchMode) => void): void {
  describe.skipIf(!supported).each(LAUNCH_MODES)(name, (mode) => {
    if (supported) body(mode);
  });
}

/** Creates a temporary project with the package linked in, the policy and the files. Returns its realpath. */
export function createProject(options: ProjectOptions = {}): string {
  const dir = tempDir('governed-run-');
  const scope = join(dir, 'node_modules', '@mltrainer');
  mkdirSync(scope, { recursive: true });
  symlinkSync(REPO_ROOT, join(scope, 'governance'), 'dir');
  writeProjectFiles(dir, options);
  return dir;
}

export function writeProjectFiles(dir: string, options: ProjectOptions): void {
  if (options.policy !== undefined) {
    const policy = { stateDir: '.governance', ...options.policy };
    writeFileSync(join(dir, 'governance.config.json'), JSON.stringify(policy, null, 2));
  }
  for (const [name, contents] of Object.entries(options.files ?? {})) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, contents);
  }
}

export function removeProject(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * The production policy most bypass tests start from: reading and loading modules allowed everywhere, writing only
 * the project's state dir (the audit log), and `rules` added after (any matching deny wins, so order is free).
 */
export function readOnlyPolicy(dir: string, rules: Record<string, unknown>[] = []): Record<string, unknown> {
  return {
    level: 'production',
    default: 'deny',
    rules: [
      { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
      { id: 'state', action: 'file_write', target: `${dir}/.governance/**`, effect: 'allow' },
      ...rules,
    ],
  };
}

/**
 * The production policy of the bypass tests that try to write into `<dir>/denied`: reading and loading modules
 * allowed everywhere (and `readActions` beside them), writing only under `<dir>/ok`, and `rules` added after.
 */
export function writeOnlyInOkPolicy(dir: string, options: { readActions?: string[]; rules?: Record<string, unknown>[] } = {}): Record<string, unknown> {
  return {
    level: 'production',
    default: 'deny',
    rules: [
      { id: 'read', action: ['file_read', 'module_load', ...(options.readActions ?? [])], target: '**', effect: 'allow' },
      { id: 'ok', action: 'file_write', target: [`${dir}/ok/**`], effect: 'allow' },
      ...(options.rules ?? []),
    ],
  };
}

/** Runs `node` on `entry` with the preload in the given launch mode (spawnSync, with a timeout). */
export function governedRun(options: RunOptions): GovernedRunResult {
  assertBuilt();
  const dir = options.dir ?? createProject(options);
  if (options.dir !== undefined) writeProjectFiles(dir, options);
  const env = cleanEnv(options.env);
  const nodeArgs: string[] = [...(options.nodeFlags ?? [])];
  if (options.mode === 'import') nodeArgs.push('--import', PACKAGE_NAME);
  else if (options.mode === 'require') nodeArgs.push('--require', PACKAGE_NAME);
  else env.NODE_OPTIONS = `--import ${PACKAGE_NAME}`;
  const result = spawnSync(process.execPath, [...nodeArgs, options.entry, ...(options.args ?? [])], {
    cwd: dir,
    env,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 30_000,
  });
  if (result.error) throw new Error(`governedRun: could not run node: ${result.error.message}`);
  return {
    status: result.status,
    signal: result.signal,
    stdout: result.stdout,
    stderr: result.stderr,
    dir,
    entries: () => readAuditEntries(join(dir, String(options.policy?.stateDir ?? '.governance'))),
  };
}

function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key === 'NODE_OPTIONS' || key.startsWith('MLTRAINER_') || key.startsWith('VITEST') || key === 'NODE_ENV') continue;
    env[key] = value;
  }
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

function assertBuilt(): void {
  for (const file of ['dist/register.js', 'dist/register.mjs']) {
    if (!existsSync(join(REPO_ROOT, file))) throw new Error(`governedRun: ${file} is missing; run \`npm run build\` first`);
  }
}

/** Entries of the audit log in `stateDir`, oldest first, read with the package's own reader; [] when no log was written. */
export function readAuditEntries(stateDir: string): AuditEntry[] {
  const dbPath = join(stateDir, 'audit.db');
  if (!existsSync(dbPath)) return [];
  const { openAuditReader } = require(join(REPO_ROOT, 'dist/src/audit/index.js')) as typeof import('../../src/audit/index');
  const reader = openAuditReader(dbPath);
  try {
    return reader.query({});
  } finally {
    reader.close();
  }
}

/** Verifies the audit log of a project (`<dir>/.governance`) against its own public key, with the package's own reader. */
export function verifyProjectLog(dir: string): { valid: boolean; entries: number; issues: unknown[] } {
  const { openAuditReader } = require(join(REPO_ROOT, 'dist/src/audit/index.js')) as typeof import('../../src/audit/index');
  const reader = openAuditReader(join(dir, '.governance', 'audit.db'));
  try {
    return reader.verify({ trustedKeys: [join(dir, '.governance', 'keys', 'log-signing.pub.pem')] });
  } finally {
    reader.close();
  }
}
