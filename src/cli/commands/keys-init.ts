// `mltrainer-governance keys init`: create the log signing key and print its public key.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createSigningKey, loadSigningKey, ROOT_PUBLIC_KEY_FILE } from '../../crypto/keys';
import { EXIT_OK, UsageError, type Command } from '../command';
import { locate, locationOptions } from './audit-common';

const command: Command = {
  name: ['keys', 'init'],
  summary: 'create the RSA-2048 log signing key (private key mode 0600) and print its public key',
  usage: 'keys init [--force] [--key-dir DIR] [--json]',
  options: { force: { type: 'boolean' }, ...locationOptions },
  run(ctx) {
    const { keyDir } = locate(ctx);
    const existing = loadSigningKey(keyDir);
    const replace = ctx.values.force === true;
    // A replaced key has no certificate: checkpoints it signs would not chain to the pinned first key.
    if (replace && existsSync(join(keyDir, ROOT_PUBLIC_KEY_FILE))) throw new UsageError(`the keys in ${keyDir} have been rotated: use mltrainer-governance keys rotate to change the key`);
    const key = existing && !replace ? existing : createSigningKey(keyDir, { replace }).key;
    const created = key !== existing;
    if (ctx.values.json) {
      ctx.out(JSON.stringify({ keyDir, keyId: key.keyId, created, publicKey: key.publicPem }));
    } else {
      ctx.out(`${created ? 'created' : 'kept the existing'} log signing key ${key.keyId} in ${keyDir}${created || replace ? '' : ' (--force replaces it)'}`);
      ctx.out('Pin this public key where the log is verified (audit.trustedKeys or --trusted-key):');
      ctx.out(key.publicPem.trimEnd());
    }
    return EXIT_OK;
  },
};

export default command;
