// Signed checkpoints: building and signing the statement {logId, n, size, root, chainHead, ts, keyId},
// checking a signature, and handing checkpoints to an external sink.
import * as childProcess from 'node:child_process';
import * as fs from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { encodeCheckpoint, parseCheckpoint, type CheckpointFields } from './encoding';
import { signPss, verifyPss } from '../crypto/sign';
import type { SignedCheckpoint } from './types';

const { appendFileSync } = fs;
const { spawnSync } = childProcess;
const bufferFrom = Buffer.from;

export function signCheckpoint(fields: CheckpointFields, privateKey: KeyObject): SignedCheckpoint {
  const body = encodeCheckpoint(fields);
  return { body, sig: signPss(privateKey, bufferFrom(body, 'utf8')).toString('base64') };
}

export type CheckpointCheck = { ok: true; fields: CheckpointFields } | { ok: false; code: 'CHECKPOINT_MALFORMED' | 'UNKNOWN_KEY' | 'CHECKPOINT_SIG_INVALID'; detail: string };

/** Parse a checkpoint and check its signature against the trusted keys (keyId → public key). */
export function checkCheckpoint(cp: SignedCheckpoint, trusted: ReadonlyMap<string, KeyObject>): CheckpointCheck {
  const parsed = parseCheckpoint(cp.body);
  if (!parsed.ok) return { ok: false, code: 'CHECKPOINT_MALFORMED', detail: parsed.error };
  const key = trusted.get(parsed.fields.keyId);
  if (!key) return { ok: false, code: 'UNKNOWN_KEY', detail: `signed by key ${parsed.fields.keyId}, which is not trusted` };
  if (!verifyPss(key, bufferFrom(cp.body, 'utf8'), bufferFrom(cp.sig, 'base64'))) {
    return { ok: false, code: 'CHECKPOINT_SIG_INVALID', detail: `signature does not verify with key ${parsed.fields.keyId}` };
  }
  return { ok: true, fields: parsed.fields };
}

export type CheckpointSink = string | { command: string };

/** Deliver a checkpoint to the configured sink: a line appended to a file, or a command receiving it on stdin. */
export function deliverCheckpoint(sink: CheckpointSink, cp: SignedCheckpoint): void {
  const line = JSON.stringify(cp) + '\n';
  if (typeof sink === 'string') {
    appendFileSync(sink, line);
    return;
  }
  const result = spawnSync(sink.command, { input: line, shell: true, stdio: ['pipe', 'ignore', 'pipe'], timeout: 10_000 });
  if (result.error) throw new Error(`checkpoint sink command failed: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`checkpoint sink command exited with ${result.status}: ${String(result.stderr).trim()}`);
}
