// `mltrainer-governance keys rotate`: a new epoch key, certified by the outgoing key over the log's tree
// head; the outgoing private key is destroyed. Verifiers keep pinning the log's first key.
import { rotateSigningKey } from '../../audit/key-rotation';
import { EXIT_OK, UsageError, type Command } from '../command';
import { LOCATION_USAGE, locate, locationOptions } from './audit-common';

const command: Command = {
  name: ['keys', 'rotate'],
  summary: 'start a new key epoch: a certificate signed by the outgoing key, whose private key is then destroyed',
  usage: `keys rotate [--json] ${LOCATION_USAGE}`,
  options: { ...locationOptions },
  run(ctx) {
    const { dbPath, keyDir } = locate(ctx);
    let summary;
    try {
      summary = rotateSigningKey(dbPath, keyDir);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (ctx.values.json) {
      ctx.out(JSON.stringify({ epoch: summary.epoch, keyId: summary.keyId, previousKeyId: summary.previousKeyId, size: summary.size, rootKeyFile: summary.rootKeyFile }));
    } else {
      ctx.out(`key epoch ${summary.epoch}: signing key ${summary.keyId}, certified by ${summary.previousKeyId} at log size ${summary.size}; the previous private key was destroyed`);
      ctx.out(`Verifiers keep pinning the log's first key (${summary.rootKeyFile}); restart running writers so they sign with the new key.`);
    }
    return EXIT_OK;
  },
};

export default command;
