// `mltrainer-governance init`: a starter config, the state directory and the log signing key.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ensureSigningKey } from '../../crypto/keys';
import { loadConfig } from '../../rules/load';
import { auditLocation } from '../../audit/location';
import { isLevel } from '../../kernel/level';
import { EXIT_OK, UsageError, stringOption, type Command } from '../command';

function starterConfig(level: string): object {
  return {
    $schema: './node_modules/@mltrainer/governance/schema/governance.config.schema.json',
    level,
    default: 'deny',
    stateDir: '.governance',
    rules: [
      { id: 'read', action: ['file_read', 'module_load'], target: '**', effect: 'allow' },
      { id: 'project-writes', action: 'file_write', target: [`${process.cwd()}/**`, '/tmp/**'], effect: 'allow' },
      { id: 'no-fakes', action: 'module_load', target: ['@faker-js/*', 'faker', 'chance', 'casual', 'mockjs'], effect: 'deny', violation: 'synthetic_data' },
    ],
  };
}

const command: Command = {
  name: ['init'],
  summary: 'write a starter config, create the state dir and the log signing key',
  usage: 'init [--config FILE] [--level development|staging|production] [--force]',
  options: { level: { type: 'string' }, force: { type: 'boolean' } },
  run(ctx) {
    const level = stringOption(ctx, 'level') ?? 'development';
    if (!isLevel(level)) throw new UsageError(`--level must be development, staging or production, got "${level}"`);
    const configPath = resolve(ctx.cwd, stringOption(ctx, 'config') ?? 'governance.config.json');
    const wroteConfig = !existsSync(configPath) || ctx.values.force === true;
    if (wroteConfig) writeFileSync(configPath, JSON.stringify(starterConfig(level), null, 2) + '\n');
    const loaded = loadConfig({ configPath, cwd: ctx.cwd });
    mkdirSync(loaded.stateDir, { recursive: true, mode: 0o700 });
    const { keyDir } = auditLocation(loaded);
    const { key, created } = ensureSigningKey(keyDir);
    const result = { config: configPath, configWritten: wroteConfig, stateDir: loaded.stateDir, keyDir, keyId: key.keyId, keyCreated: created, publicKey: key.publicPem };
    if (ctx.values.json) {
      ctx.out(JSON.stringify(result));
    } else {
      ctx.out(`${wroteConfig ? 'wrote' : 'kept existing'} ${configPath}`);
      ctx.out(`state dir ${loaded.stateDir}`);
      ctx.out(`${created ? 'created' : 'found'} log signing key ${key.keyId} in ${keyDir}`);
      ctx.out('Public key (give it to your auditors; pin it with audit.trustedKeys or --trusted-key):');
      ctx.out(key.publicPem.trimEnd());
    }
    return EXIT_OK;
  },
};

export default command;
