// `mltrainer-governance audit tail`: the last entries, then new ones as they are committed.
import type { AuditEntry } from '../../types';
import { EXIT_OK, UsageError, intOption, type Command, type CommandContext } from '../command';
import { LOCATION_USAGE, locationOptions, openReader, printable } from './audit-common';

function line(e: AuditEntry): string {
  return printable(`${e.seq}  ${e.ts}  pid ${e.pid}  ${e.actor}  ${e.decision}${e.violation ? ` (${e.violation})` : ''}  ${e.action}:${e.target}${e.ruleId ? `  [${e.ruleId}]` : ''}`);
}

const command: Command = {
  name: ['audit', 'tail'],
  summary: 'show the last audit entries and follow new ones live (Ctrl-C to stop)',
  usage: `audit tail [--lines N] [--no-follow] [--interval MS] [--json] ${LOCATION_USAGE}`,
  options: { lines: { type: 'string', short: 'n' }, 'no-follow': { type: 'boolean' }, interval: { type: 'string' }, ...locationOptions },
  async run(ctx: CommandContext) {
    const lines = intOption(ctx, 'lines') ?? 10;
    const interval = intOption(ctx, 'interval') ?? 250;
    if (interval < 10) throw new UsageError('--interval must be at least 10 ms');
    const reader = openReader(ctx);
    const print = (e: AuditEntry): void => ctx.out(ctx.values.json ? JSON.stringify(e) : line(e));
    let last = Math.max(0, reader.size() - lines);
    const show = (): void => {
      for (let batch = reader.entriesAfter(last); batch.length; batch = reader.entriesAfter(last)) {
        for (const e of batch) print(e);
        last = batch[batch.length - 1].seq;
      }
    };
    show();
    if (ctx.values['no-follow']) {
      reader.close();
      return EXIT_OK;
    }
    await new Promise<void>((resolve) => {
      const timer = setInterval(show, interval);
      const stop = (): void => { clearInterval(timer); reader.close(); resolve(); };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return EXIT_OK;
  },
};

export default command;
