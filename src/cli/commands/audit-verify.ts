// `mltrainer-governance audit verify`: full (or incremental) verification of the audit log.
import { resolve } from 'node:path';
import { openAuditReader, trustedKeyMap, type AuditVerifyResult } from '../../audit/index';
import { chooseTrustedKeys } from '../../audit/location';
import { EXIT_OK, EXIT_PROBLEMS, UsageError, intOption, stringOption, type Command, type CommandContext } from '../command';
import { LOCATION_USAGE, listOption, locate, locationOptions, readCheckpointFile } from './audit-common';

function trustNote(source: string, keys: readonly string[]): string {
  switch (source) {
    case 'given': return `trusting ${keys.length} key(s) given with --trusted-key`;
    case 'config': return `trusting ${keys.length} key(s) from audit.trustedKeys`;
    case 'keyDir': return `trusting the public key in the key dir (${keys[0]}); pin it with audit.trustedKeys or --trusted-key so a replaced key is noticed`;
    default: return 'no trusted key: checkpoint signatures cannot be checked';
  }
}

function printText(ctx: CommandContext, dbPath: string, result: AuditVerifyResult, note: string): void {
  ctx.out(`${dbPath}: ${result.valid ? 'VALID' : 'INVALID'} (${result.entries} entries, ${result.checkpoints} checkpoints${result.redacted ? `, ${result.redacted} redacted` : ''})`);
  ctx.out(note);
  for (const i of result.issues) ctx.out(`  ${i.severity === 'error' ? 'error  ' : 'warning'} ${i.code}${i.seq !== undefined ? ` at seq ${i.seq}` : ''}: ${i.detail}`);
}

const command: Command = {
  name: ['audit', 'verify'],
  summary: 'verify the audit log: hashes, chain, Merkle roots and signed checkpoints',
  usage: `audit verify [--trusted-key PEM]... [--trusted-checkpoint FILE] [--since-checkpoint FILE] [--max-checkpoint-age MS] [--now T] [--proof-of-work-bits N] [--threads N] [--json] ${LOCATION_USAGE}`,
  options: {
    'trusted-key': { type: 'string', multiple: true }, 'trusted-checkpoint': { type: 'string' }, 'since-checkpoint': { type: 'string' },
    'max-checkpoint-age': { type: 'string' }, now: { type: 'string' }, 'proof-of-work-bits': { type: 'string' }, threads: { type: 'string' }, ...locationOptions,
  },
  run(ctx) {
    const location = locate(ctx);
    const trust = chooseTrustedKeys(listOption(ctx, 'trusted-key').map((k) => resolve(ctx.cwd, k)), location);
    const trustedFile = stringOption(ctx, 'trusted-checkpoint');
    const sinceFile = stringOption(ctx, 'since-checkpoint');
    const now = stringOption(ctx, 'now');
    if (now !== undefined && Number.isNaN(Date.parse(now))) throw new UsageError(`--now must be an ISO-8601 timestamp, got "${now}"`);
    try {
      trustedKeyMap(trust.keys);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const trustedCheckpoint = trustedFile ? readCheckpointFile(trustedFile) : undefined;
    const since = sinceFile ? readCheckpointFile(sinceFile) : undefined;
    const maxCheckpointAge = intOption(ctx, 'max-checkpoint-age');
    const threads = intOption(ctx, 'threads');
    if (threads === 0) throw new UsageError('--threads must be at least 1');
    let reader;
    try {
      reader = openAuditReader(location.dbPath);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    try {
      const proofOfWorkBits = intOption(ctx, 'proof-of-work-bits') ?? location.proofOfWorkBits;
      const result = reader.verify({ trustedKeys: trust.keys, trustedCheckpoint, since, maxCheckpointAge, now, proofOfWorkBits, threads });
      const note = trustNote(trust.source, trust.keys);
      if (ctx.values.json) ctx.out(JSON.stringify({ ...result, trustSource: trust.source, note }));
      else printText(ctx, location.dbPath, result, note);
      return result.valid ? EXIT_OK : EXIT_PROBLEMS;
    } finally {
      reader.close();
    }
  },
};

export default command;
