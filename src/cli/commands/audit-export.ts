// `mltrainer-governance audit export --out FILE`: a bundle an auditor can verify with Node alone.
import { resolve } from 'node:path';
import { exportAuditLog } from '../../audit/export';
import { loadSigningKey } from '../../crypto/keys';
import { EXIT_OK, UsageError, stringOption, type Command } from '../command';
import { LOCATION_USAGE, locate, locationOptions } from './audit-common';

const command: Command = {
  name: ['audit', 'export'],
  summary: 'write the log as an NDJSON bundle (bodies, checkpoints, public keys) for `audit verify-export`',
  usage: `audit export --out FILE [--json] ${LOCATION_USAGE}`,
  options: { out: { type: 'string' }, ...locationOptions },
  run(ctx) {
    const out = stringOption(ctx, 'out');
    if (!out) throw new UsageError('--out FILE is required');
    const location = locate(ctx);
    const key = loadSigningKey(location.keyDir);
    let summary;
    try {
      summary = exportAuditLog(location.dbPath, resolve(ctx.cwd, out), key ? [{ keyId: key.keyId, pem: key.publicPem }] : []);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (ctx.values.json) ctx.out(JSON.stringify(summary));
    else ctx.out(`exported ${summary.entries} entries and ${summary.checkpoints} checkpoints of log ${summary.logId} to ${summary.out}\nverify with: mltrainer-governance audit verify-export ${out} --trusted-key PUB.pem\n  or, with Node alone: node dist/src/audit/verify-export.js ${out} --trusted-key PUB.pem`);
    return EXIT_OK;
  },
};

export default command;
