// Finds, reads and validates the governance config (DESIGN.md "Config" contract).
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { canonicalJson, sha256Hex } from './canonical';
import { DEFAULT_CONFIG } from './defaults';
import { ConfigError } from './errors';
import { deepFreeze } from './freeze';
import { compiledGlobs, useCompiledGlobs, type CompiledGlobs } from './glob';
import type { FullConfig, LoadedConfig } from './types';

export const CONFIG_FILE_NAME = 'governance.config.json';
const CONFIG_ENV = 'MLTRAINER_GOVERNANCE_CONFIG';
/** Bumped whenever the schema or the glob compiler changes, so cached verdicts and compiled globs are not reused. */
const SCHEMA_VERSION = 3;
/** The validated config (and its compiled globs), cached in the state dir under the config's content hash. */
export const VALIDATED_CACHE = 'config.validated.json';

export interface LoadOptions {
  configPath?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** The config file to use: explicit path, then `$MLTRAINER_GOVERNANCE_CONFIG`, then the nearest ancestor's file. */
export function findConfigFile(options: LoadOptions = {}): string | null {
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.configPath ?? (options.env ?? process.env)[CONFIG_ENV];
  if (explicit) return resolve(cwd, explicit);
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const source = findConfigFile(options);
  if (source === null) return loadDefaults(options.cwd);
  const text = readConfigText(source);
  const raw = parseJson(text, source);
  const baseDir = dirname(source);
  const stateDir = resolve(baseDir, typeof raw.stateDir === 'string' ? raw.stateDir : '.governance');
  const key = sha256Hex(`${SCHEMA_VERSION}\n${text}`);
  const cached = readValidatedCache(stateDir, key);
  const config = cached ?? validate(raw, source);
  if (!cached) writeValidatedCache(stateDir, key, config);
  return finish(config, source, baseDir);
}

/** The built-in defaults (development level), with the state dir under `cwd`. */
export function loadDefaults(cwd: string = process.cwd()): LoadedConfig {
  return finish(structuredClone(DEFAULT_CONFIG), null, cwd);
}

/**
 * The level a config asks for, read leniently from its raw text, so that a config too broken
 * to validate still fails closed when it says staging or production.
 */
export function levelOfRawConfig(options: LoadOptions = {}): string | null {
  try {
    const source = findConfigFile(options);
    if (!source) return null;
    const match = /"level"\s*:\s*"(development|staging|production)"/.exec(readFileSync(source, 'utf8'));
    return match ? match[1] : null;
  } catch {
    return null;
  }
}

function readConfigText(source: string): string {
  try {
    return readFileSync(source, 'utf8');
  } catch (error) {
    throw new ConfigError(`${source}: cannot read config: ${(error as Error).message}`, source);
  }
}

function parseJson(text: string, source: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${source}: invalid JSON: ${(error as Error).message}`, source);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`${source}: the config must be a JSON object`, source);
  }
  return value as Record<string, unknown>;
}

function validate(raw: unknown, source: string): FullConfig {
  // Loaded here, not at the top: zod is only needed when the cache cannot vouch for the file.
  const { configSchema } = require('./schema') as typeof import('./schema');
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data as FullConfig;
  const [first, ...rest] = result.error.issues;
  const field = describeIssuePath(first);
  const more = rest.length ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : '';
  throw new ConfigError(`${source}: ${field}: ${describeIssue(first)}${more}`, source);
}

interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
}

function describeIssuePath(issue: Issue): string {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys' && issue.keys?.length) {
    return path ? `${path}.${issue.keys[0]}` : issue.keys[0];
  }
  return path || '(root)';
}

function describeIssue(issue: Issue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field${(issue.keys?.length ?? 0) > 1 ? 's' : ''} ${issue.keys?.map((k) => `"${k}"`).join(', ')}`;
  return issue.message;
}

interface ValidatedCache {
  key?: string;
  config?: FullConfig;
  globs?: CompiledGlobs;
}

function readValidatedCache(stateDir: string, key: string): FullConfig | null {
  try {
    const cached = JSON.parse(readFileSync(join(stateDir, VALIDATED_CACHE), 'utf8')) as ValidatedCache;
    if (cached.key !== key || !cached.config || !cached.globs) return null;
    useCompiledGlobs(cached.globs);
    return cached.config;
  } catch {
    return null;
  }
}

function ruleGlobs(config: FullConfig): string[] {
  const globs: string[] = [];
  for (const rule of config.rules) {
    for (const list of [rule.target, rule.from]) {
      if (typeof list === 'string') globs.push(list);
      else if (list !== undefined) globs.push(...list);
    }
  }
  return globs;
}

function writeValidatedCache(stateDir: string, key: string, config: FullConfig): void {
  try {
    mkdirSync(stateDir, { recursive: true });
    const cache: ValidatedCache = { key, config, globs: compiledGlobs(ruleGlobs(config)) };
    // Written beside it and renamed over it: processes starting together all write it, and one that read it
    // half-written would take that for the rules being changed (the integrity watch compares contents).
    const file = join(stateDir, VALIDATED_CACHE);
    const partial = `${file}.${process.pid}.tmp`;
    try {
      writeFileSync(partial, JSON.stringify(cache), { mode: 0o600 });
      renameSync(partial, file);
    } finally {
      rmSync(partial, { force: true });
    }
  } catch {
    // The cache only saves start-up time; failing to write it changes nothing else.
  }
}

function finish(config: FullConfig, source: string | null, baseDir: string): LoadedConfig {
  const rulesHash = sha256Hex(canonicalJson({ level: config.level, default: config.default, rules: config.rules }));
  return deepFreeze({
    config: deepFreeze(config),
    source,
    baseDir,
    stateDir: resolve(baseDir, config.stateDir),
    rulesHash,
  });
}
