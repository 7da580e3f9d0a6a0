// Signed checkpoints: signing the statement {logId, n, size, root, chainHead, ts, keyId} and handing
// checkpoints to an external sink. (Checking them is in verify-core.ts.)
import childProcess = require('node:child_process');
import type { KeyObject } from 'node:crypto';
import { encodeCheckpoint, type CheckpointFields } from './encoding';
import { signPss } from '../crypto/sign';
import { asOwnSpawn } from '../kernel/own-work';
import { appendOwnFile } from '../own-fs';
import type { SignedCheckpoint } from './types';

const { spawnSync } = childProcess;
const bufferFrom = Buffer.from;
const bufferToString = Buffer.prototype.toString;
const jsonStringify = JSON.stringify;
/** The shell Node runs a command in with `shell: true` on POSIX. */
const SHELL = '/bin/sh';
const { apply, setPrototypeOf } = Reflect;

export function signCheckpoint(fields: CheckpointFields, privateKey: KeyObject): SignedCheckpoint {
  const body = encodeCheckpoint(fields);
  return { body, sig: apply(bufferToString, signPss(privateKey, bufferFrom(body, 'utf8')), ['base64']) };
}

export type CheckpointSink = string | { command: string };

/** Deliver a checkpoint to the configured sink: a line appended to a file, or a command receiving it on stdin. */
export function deliverCheckpoint(sink: CheckpointSink, cp: SignedCheckpoint): void {
  const plain = { body: cp.body, sig: cp.sig };
  setPrototypeOf(plain, null); // no inherited toJSON (see stringifyBody)
  const line = jsonStringify(plain) + '\n';
  if (typeof sink === 'string') {
    appendOwnFile(sink, line);
    return;
  }
  const options = { __proto__: null, input: line, shell: true, stdio: ['pipe', 'ignore', 'pipe'], timeout: 10_000 } as unknown as childProcess.SpawnSyncOptions;
  const result = asOwnSpawn(SHELL, [SHELL, '-c', sink.command], () => spawnSync(sink.command, options));
  if (result.error) throw new Error(`checkpoint sink command failed: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`checkpoint sink command exited with ${result.status}: ${String(result.stderr).trim()}`);
}
