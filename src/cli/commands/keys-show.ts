// `mltrainer-governance keys show`: the log signing key's id and public key, and after rotations the first
// key (the one verifiers pin).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadSigningKey, readPublicKeyFile, ROOT_PUBLIC_KEY_FILE } from '../../crypto/keys';
import { EXIT_OK, EXIT_PROBLEMS, type Command } from '../command';
import { locate, locationOptions } from './audit-common';

const command: Command = {
  name: ['keys', 'show'],
  summary: 'print the log signing key id and public key',
  usage: 'keys show [--key-dir DIR] [--json]',
  options: { ...locationOptions },
  run(ctx) {
    const { keyDir } = locate(ctx);
    const key = loadSigningKey(keyDir);
    if (!key) {
      ctx.err(`no log signing key in ${keyDir}: run mltrainer-governance keys init`);
      return EXIT_PROBLEMS;
    }
    const rootFile = join(keyDir, ROOT_PUBLIC_KEY_FILE);
    const root = existsSync(rootFile) ? readPublicKeyFile(rootFile) : null;
    if (ctx.values.json) {
      ctx.out(JSON.stringify({ keyDir, keyId: key.keyId, publicKey: key.publicPem, ...(root ? { rootKeyId: root.keyId, rootPublicKey: root.publicPem } : {}) }));
    } else {
      ctx.out(`key ${key.keyId} in ${keyDir}\n${key.publicPem.trimEnd()}`);
      if (root) ctx.out(`rotated: verifiers pin the first key ${root.keyId} (${rootFile}) and follow the key certificates\n${root.publicPem.trimEnd()}`);
    }
    return EXIT_OK;
  },
};

export default command;
