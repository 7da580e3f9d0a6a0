// `mltrainer-governance audit redact`: replace entry bodies by signed redaction markers (one entry, a range, or
// retention: every entry older than a date), recorded in the log; leaf hashes, checkpoints and proofs stay valid.
import { redactEntries } from '../../audit/redact';
import { loadConfig } from '../../rules/load';
import { EXIT_OK, UsageError, intOption, stringOption, type Command } from '../command';
import { LOCATION_USAGE, locate, locationOptions } from './audit-common';

const command: Command = {
  name: ['audit', 'redact'],
  summary: 'redact entry bodies (by seq, range or age), keeping their leaf hashes; recorded in the log',
  usage: `audit redact (--seq N | --from A --to B | --before T) --reason TEXT [--actor NAME] [--json] ${LOCATION_USAGE}`,
  options: { seq: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, before: { type: 'string' }, reason: { type: 'string' }, actor: { type: 'string' }, ...locationOptions },
  run(ctx) {
    const reason = stringOption(ctx, 'reason');
    if (!reason) throw new UsageError('--reason TEXT is required: a redaction is recorded with its reason');
    const seq = intOption(ctx, 'seq');
    const from = intOption(ctx, 'from');
    const to = intOption(ctx, 'to');
    const before = stringOption(ctx, 'before');
    if ([seq, from, before].filter((v) => v !== undefined).length !== 1) throw new UsageError('name the entries with exactly one of --seq N, --from A [--to B], --before T');
    const location = locate(ctx);
    const level = loadConfig({ configPath: stringOption(ctx, 'config'), cwd: ctx.cwd }).config.level;
    let summary;
    try {
      summary = redactEntries({ dbPath: location.dbPath, keyDir: location.keyDir, seq, from, to, before, reason, actor: stringOption(ctx, 'actor'), level });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (ctx.values.json) ctx.out(JSON.stringify(summary ?? { redacted: 0 }));
    else if (!summary) ctx.out(`no entries before ${before}`);
    else ctx.out(`redacted ${summary.redacted} entries in seq ${summary.from}..${summary.to} (${summary.skipped} skipped), recorded as entry ${summary.record}`);
    return EXIT_OK;
  },
};

export default command;
