import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEFAULT_CONFIG } from '../../src/rules/defaults';
import { ConfigError } from '../../src/rules/errors';
import { findConfigFile, loadConfig } from '../../src/rules/load';
import { configSchema } from '../../src/rules/schema';
import { tempDir } from '../helpers/temp-dirs';

function project(config?: unknown): string {
  const dir = tempDir('gov-config-');
  if (config !== undefined) writeFileSync(join(dir, 'governance.config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return dir;
}

function configError(dir: string): ConfigError {
  try {
    loadConfig({ cwd: dir, env: {} });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('config discovery', () => {
  it('finds the config in the nearest ancestor directory', () => {
    const dir = project({ level: 'staging' });
    const nested = join(dir, 'a', 'b');
    mkdirSync(nested, { recursive: true });
    expect(findConfigFile({ cwd: nested, env: {} })).toBe(join(dir, 'governance.config.json'));
    expect(loadConfig({ cwd: nested, env: {} }).config.level).toBe('staging');
  });

  it('prefers $MLTRAINER_GOVERNANCE_CONFIG, resolved against cwd', () => {
    const dir = project({ level: 'staging' });
    writeFileSync(join(dir, 'other.json'), JSON.stringify({ level: 'production' }));
    const loaded = loadConfig({ cwd: dir, env: { MLTRAINER_GOVERNANCE_CONFIG: 'other.json' } });
    expect(loaded.source).toBe(join(dir, 'other.json'));
    expect(loaded.config.level).toBe('production');
  });

  it('uses the built-in defaults (development level) without a config', () => {
    const dir = project();
    const loaded = loadConfig({ cwd: dir, env: {} });
    expect(loaded.source).toBeNull();
    expect(loaded.config).toEqual(DEFAULT_CONFIG);
    expect(loaded.stateDir).toBe(join(dir, '.governance'));
  });

  it('keeps the built-in defaults equal to what the schema fills in', () => {
    expect(configSchema.parse({})).toEqual(DEFAULT_CONFIG);
  });
});

describe('config validation', () => {
  it('accepts the DESIGN.md example and resolves stateDir against the config directory', () => {
    const dir = project({
      level: 'production', default: 'deny', stateDir: 'state',
      rules: [
        { id: 'data', action: 'file_write', target: '/app/data/**', effect: 'allow' },
        { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
        { id: 'git', action: 'process_spawn', target: ['git', '/usr/bin/git'], effect: 'allow' },
        { id: 'no-fakes', action: 'module_load', target: ['@faker-js/*', 'chance'], effect: 'deny', violation: 'synthetic_data' },
        { id: 'exports', action: 'file_write', target: '/app/exports/**', effect: 'approve' },
      ],
    });
    const loaded = loadConfig({ cwd: dir, env: {} });
    expect(loaded.config.rules).toHaveLength(5);
    expect(loaded.stateDir).toBe(join(dir, 'state'));
    expect(loaded.rulesHash).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.isFrozen(loaded.config.rules[0])).toBe(true);
  });

  it.each([
    ['an unknown top-level field', { level: 'production', levle: 'x' }, /governance\.config\.json: levle: unknown field "levle"/],
    ['an unknown rule field', { rules: [{ id: 'a', action: 'file_read', target: '**', effect: 'allow', efect: 1 }] }, /rules\.0\.efect: unknown field/],
    ['a wrong type', { level: 42 }, /governance\.config\.json: level: /],
    ['an unknown action kind', { rules: [{ id: 'a', action: 'file_delete', target: '**', effect: 'allow' }] }, /rules\.0\.action/],
    ['a bad glob', { rules: [{ id: 'a', action: 'file_read', target: '/data/[abc', effect: 'allow' }] }, /rules\.0\.target: bad glob "\/data\/\[abc"/],
    ['a negated glob', { rules: [{ id: 'a', action: 'file_read', target: '!/x', effect: 'allow' }] }, /negated globs are not supported/],
    ['a duplicate rule id', { rules: [{ id: 'a', action: 'file_read', target: '**', effect: 'allow' }, { id: 'a', action: 'file_write', target: '**', effect: 'deny' }] }, /rules\.1\.id: duplicate rule id "a"/],
    ['invalid JSON', '{ "level": "production", }', /governance\.config\.json: invalid JSON/],
    ['a JSON array', '[]', /must be a JSON object/],
  ])('rejects %s with an error naming the file and field', (_name, config, message) => {
    const dir = project(config);
    const error = configError(dir);
    expect(error.message).toMatch(message);
    expect(error.file).toBe(join(dir, 'governance.config.json'));
  });

  it('rejects an unreadable config file', () => {
    const dir = project({ level: 'production' });
    const file = join(dir, 'governance.config.json');
    chmodSync(file, 0o000);
    let readable = true;
    try { readFileSync(file); } catch { readable = false; }
    if (readable) {
      // Running as root: permissions do not stop reads, so use a directory in the file's place instead.
      const other = join(dir, 'as-dir.json');
      mkdirSync(other);
      expect(() => loadConfig({ cwd: dir, env: { MLTRAINER_GOVERNANCE_CONFIG: other } })).toThrow(/as-dir\.json: cannot read config/);
    } else {
      expect(configError(dir).message).toMatch(/cannot read config/);
    }
  });

  it('reuses a cached verdict only for the exact same bytes', () => {
    const dir = project({ level: 'staging' });
    expect(loadConfig({ cwd: dir, env: {} }).config.level).toBe('staging');
    const cache = JSON.parse(readFileSync(join(dir, '.governance', 'config.validated.json'), 'utf8'));
    expect(cache.config.level).toBe('staging');
    writeFileSync(join(dir, 'governance.config.json'), JSON.stringify({ level: 'staging', bogus: true }));
    expect(configError(dir).message).toMatch(/bogus/);
  });
});

describe('published JSON Schema', () => {
  it('is up to date with the zod schema', () => {
    const published = JSON.parse(readFileSync(join(__dirname, '..', '..', 'schema', 'governance.config.schema.json'), 'utf8'));
    const generated = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    expect(published.properties).toEqual(generated.properties);
    expect(published.additionalProperties).toBe(false);
  });
});
