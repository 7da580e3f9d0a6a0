// `mltrainer-governance verify` (alias `mltrainer-verify`): is governance really in force here?
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadConfig } from '../../rules/load';
import { auditLocation, chooseTrustedKeys } from '../../audit/location';
import { PRIVATE_KEY_FILE, loadSigningKey } from '../../crypto/keys';
import type { LoadedConfig } from '../../rules/types';
import { EXIT_OK, EXIT_PROBLEMS, stringOption, type Command } from '../command';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

const packageRoot = resolve(__dirname, '..', '..', '..', '..');
const probe = (specifier: string) => `process.stdout.write(JSON.stringify(require(${JSON.stringify(specifier)}).governanceStatus()))`;

function preloadCheck(loaded: LoadedConfig, mode: '--require' | '--import', env: NodeJS.ProcessEnv): Check {
  const cwd = loaded.source ? dirname(loaded.source) : process.cwd();
  const name = `preload ${mode}`;
  const byName = spawnProbe(cwd, [mode, '@mltrainer/governance', '-e', probe('@mltrainer/governance')], env);
  if (byName.ok) return { name, ok: true, detail: byName.detail };
  const cjsEntry = join(packageRoot, 'dist', 'register.js');
  const entry = mode === '--require' ? cjsEntry : join(packageRoot, 'dist', 'register.mjs');
  const byPath = spawnProbe(cwd, [mode, entry, '-e', probe(cjsEntry)], env);
  return byPath.ok
    ? { name, ok: false, detail: `works by path but "@mltrainer/governance" does not resolve from ${cwd}: install the package there (${byName.detail})` }
    : { name, ok: false, detail: byPath.detail };
}

function spawnProbe(cwd: string, args: string[], env: NodeJS.ProcessEnv): { ok: boolean; detail: string } {
  const child = spawnSync(process.execPath, args, { cwd, env, encoding: 'utf8', timeout: 30_000 });
  if (child.status !== 0) return { ok: false, detail: `exit ${child.status}: ${(child.stderr || '').trim().split('\n').slice(-3).join(' ')}` };
  try {
    const status = JSON.parse(child.stdout) as { active?: boolean; level?: string; auditing?: boolean } | null;
    if (status?.active) return { ok: true, detail: `active at ${status.level} level, auditing ${status.auditing ? 'on' : 'OFF'}` };
    return { ok: false, detail: 'the preload loaded but governance is not active' };
  } catch {
    return { ok: false, detail: `unexpected output: ${child.stdout.slice(0, 200)}` };
  }
}

function keyCheck(loaded: LoadedConfig): Check {
  const { keyDir } = auditLocation(loaded);
  try {
    const key = loadSigningKey(keyDir);
    if (!key) return { name: 'signing key', ok: false, detail: `no signing key in ${keyDir}: run mltrainer-governance keys init` };
    const mode = statSync(join(keyDir, PRIVATE_KEY_FILE)).mode & 0o777;
    if (mode & 0o077) return { name: 'signing key', ok: false, detail: `private key ${keyDir} is readable by others (mode ${mode.toString(8)}); chmod 600` };
    return { name: 'signing key', ok: true, detail: `key ${key.keyId.slice(0, 16)}… in ${keyDir}` };
  } catch (error) {
    return { name: 'signing key', ok: false, detail: (error as Error).message };
  }
}

function auditCheck(loaded: LoadedConfig): Check {
  const location = auditLocation(loaded);
  const dbPath = location.dbPath;
  if (!existsSync(dbPath)) return { name: 'audit log', ok: true, detail: `no audit log yet at ${dbPath}` };
  const { openAuditReader } = require('../../audit/index') as typeof import('../../audit/index');
  const reader = openAuditReader(dbPath);
  try {
    const result = reader.verify({ trustedKeys: chooseTrustedKeys(undefined, location).keys });
    const first = result.issues[0];
    return result.valid
      ? { name: 'audit log', ok: true, detail: `${result.entries} entries, ${result.checkpoints} checkpoints, intact` }
      : { name: 'audit log', ok: false, detail: `${first?.code} at seq ${first?.seq ?? '-'}: ${first?.detail}` };
  } finally {
    reader.close();
  }
}

const command: Command = {
  name: ['verify'],
  summary: 'check the installation: preload active in a child process, config valid, keys present, audit log intact',
  usage: 'verify [--config FILE] [--json]',
  options: {},
  run(ctx) {
    const configPath = stringOption(ctx, 'config');
    const loaded = loadConfig({ configPath, cwd: ctx.cwd });
    const env = { ...process.env, ...(loaded.source ? { MLTRAINER_GOVERNANCE_CONFIG: loaded.source } : {}) };
    const checks: Check[] = [
      { name: 'config', ok: true, detail: `${loaded.source ?? 'built-in defaults'} (level ${loaded.config.level}, ${loaded.config.rules.length} rules, sha256:${loaded.rulesHash.slice(0, 16)}…)` },
      preloadCheck(loaded, '--require', env),
      preloadCheck(loaded, '--import', env),
      keyCheck(loaded),
      auditCheck(loaded),
    ];
    const ok = checks.every((c) => c.ok);
    if (ctx.values.json) ctx.out(JSON.stringify({ ok, checks }));
    else for (const c of checks) ctx.out(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name.padEnd(18)} ${c.detail}`);
    return ok ? EXIT_OK : EXIT_PROBLEMS;
  },
};

export default command;
