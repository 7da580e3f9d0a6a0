// `mltrainer-governance audit verify-export FILE`: verify an export bundle without the database.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { verifyExportFile } from '../../audit/verify-export';
import { chooseTrustedKeys } from '../../audit/location';
import { EXIT_OK, EXIT_PROBLEMS, UsageError, intOption, stringOption, type Command } from '../command';
import { LOCATION_USAGE, listOption, locate, locationOptions, readCheckpointFile } from './audit-common';

const command: Command = {
  name: ['audit', 'verify-export'],
  summary: 'verify an exported audit bundle (node:crypto only, no database)',
  usage: `audit verify-export FILE [--trusted-key PEM]... [--trusted-checkpoint FILE] [--max-checkpoint-age MS] [--now T] [--json] ${LOCATION_USAGE}`,
  options: { 'trusted-key': { type: 'string', multiple: true }, 'trusted-checkpoint': { type: 'string' }, 'max-checkpoint-age': { type: 'string' }, now: { type: 'string' }, ...locationOptions },
  run(ctx) {
    if (ctx.positionals.length !== 1) throw new UsageError('give exactly one bundle file');
    const trust = chooseTrustedKeys(listOption(ctx, 'trusted-key').map((k) => resolve(ctx.cwd, k)), locate(ctx));
    const trustedFile = stringOption(ctx, 'trusted-checkpoint');
    const now = stringOption(ctx, 'now');
    if (now !== undefined && Number.isNaN(Date.parse(now))) throw new UsageError(`--now must be an ISO-8601 timestamp, got "${now}"`);
    let result;
    try {
      result = verifyExportFile(resolve(ctx.cwd, ctx.positionals[0]), {
        trustedKeys: trust.keys.map((file) => readFileSync(file, 'utf8')),
        trustedCheckpoint: trustedFile ? readCheckpointFile(trustedFile) : undefined,
        maxCheckpointAge: intOption(ctx, 'max-checkpoint-age'),
        now: now === undefined ? undefined : Date.parse(now),
      });
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError((error as Error).message);
    }
    if (ctx.values.json) ctx.out(JSON.stringify({ ...result, trustSource: trust.source }));
    else {
      ctx.out(`${ctx.positionals[0]}: ${result.valid ? 'VALID' : 'INVALID'} (${result.entries} entries, ${result.checkpoints} checkpoints${result.redacted ? `, ${result.redacted} redacted` : ''}; trusted keys from ${trust.source})`);
      for (const i of result.issues) ctx.out(`  ${i.severity} ${i.code}${i.seq !== undefined ? ` at seq ${i.seq}` : ''}: ${i.detail}`);
    }
    return result.valid ? EXIT_OK : EXIT_PROBLEMS;
  },
};

export default command;
