// `mltrainer-governance audit checkpoint`: hand the newest signed checkpoint to an auditor.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCheckpoint } from '../../audit/encoding';
import { EXIT_OK, EXIT_PROBLEMS, stringOption, type Command } from '../command';
import { LOCATION_USAGE, locationOptions, openReader } from './audit-common';

const command: Command = {
  name: ['audit', 'checkpoint'],
  summary: 'print or save the newest signed checkpoint (to pin with --trusted-checkpoint later)',
  usage: `audit checkpoint [--out FILE] [--json] ${LOCATION_USAGE}`,
  options: { out: { type: 'string' }, ...locationOptions },
  run(ctx) {
    const reader = openReader(ctx);
    try {
      const cp = reader.latestCheckpoint();
      if (!cp) {
        ctx.err('the audit log has no checkpoint yet');
        return EXIT_PROBLEMS;
      }
      const out = stringOption(ctx, 'out');
      const parsed = parseCheckpoint(cp.body);
      const summary = parsed.ok ? `checkpoint ${parsed.fields.n}: ${parsed.fields.size} entries, root ${parsed.fields.root}, ${parsed.fields.ts}, key ${parsed.fields.keyId}` : `checkpoint (malformed: ${parsed.error})`;
      if (out) {
        writeFileSync(resolve(ctx.cwd, out), JSON.stringify(cp) + '\n');
        ctx.out(ctx.values.json ? JSON.stringify({ out: resolve(ctx.cwd, out), ...cp }) : `wrote ${summary} to ${out}`);
      } else {
        ctx.out(ctx.values.json ? JSON.stringify(cp) : `${summary}\n${JSON.stringify(cp)}`);
      }
      return EXIT_OK;
    } finally {
      reader.close();
    }
  },
};

export default command;
