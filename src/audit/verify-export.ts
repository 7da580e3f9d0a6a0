#!/usr/bin/env node
// Standalone verifier of an export bundle. Needs Node and these files only: verify-export, verify-core,
// export-format, encoding, hash, merkle, redaction (src/audit) and sign, keys, certificate (src/crypto), which import nothing but
// node:crypto, node:fs and node:path; no database, no config, no other dependency. Usage:
//   node verify-export.js BUNDLE --trusted-key PUB.pem [--trusted-key ...] [--trusted-checkpoint FILE]
//        [--max-checkpoint-age MS] [--now ISO]
import fs = require('node:fs');
import type { KeyObject } from 'node:crypto';
import { HASH_BYTES } from './hash';
import { EXPORT_FORMAT, type ExportLine } from './export-format';
import { RedactionChecker } from './redaction';
import { checkCheckpointList, checkRedactionRecords, checkTrustedCheckpoint, EntryStream, Expectations, Issues, trustWithCertificates } from './verify-core';
import type { SignedCertificate } from '../crypto/certificate';
import { publicKeyFromPem } from '../crypto/keys';
import type { AuditVerifyResult, SignedCheckpoint } from './types';

export interface ExportVerifyOptions {
  /** PEM texts of the trusted public keys. Keys inside the bundle are never trusted. */
  trustedKeys: readonly string[];
  trustedCheckpoint?: SignedCheckpoint;
  now?: number;
  maxCheckpointAge?: number;
}

/** The lines of a file, read in chunks so large bundles need not fit in one string. */
function* readLines(file: string): Generator<string> {
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(1 << 20);
  let rest = '';
  try {
    for (let n = fs.readSync(fd, buf); n > 0; n = fs.readSync(fd, buf)) {
      const parts = (rest + buf.toString('utf8', 0, n)).split('\n');
      rest = parts.pop()!;
      yield* parts;
    }
    if (rest) yield rest;
  } finally {
    fs.closeSync(fd);
  }
}

function parseLine(text: string, lineNo: number): ExportLine {
  try {
    return JSON.parse(text) as ExportLine;
  } catch (error) {
    throw new Error(`line ${lineNo} is not JSON: ${(error as Error).message}`);
  }
}

export function verifyExportFile(file: string, options: ExportVerifyOptions): AuditVerifyResult {
  const trusted = new Map<string, KeyObject>();
  for (const pem of options.trustedKeys) {
    const k = publicKeyFromPem(pem, 'trusted key');
    trusted.set(k.keyId, k.publicKey);
  }
  const issues = new Issues();
  const lines = readLines(file);
  const first = lines.next();
  const header = first.done ? null : parseLine(first.value, 1);
  if (!header || header.type !== 'header' || header.format !== EXPORT_FORMAT) throw new Error(`${file} is not an audit export bundle`);

  const stored: { n: number; cp: SignedCheckpoint }[] = [];
  const certificates: SignedCertificate[] = [];
  let keys = trusted;
  let stream: EntryStream | null = null;
  let expectations: Expectations | null = null;
  let leaves = Buffer.alloc(HASH_BYTES * Math.max(1, header.entries));
  let lineNo = 1;
  let checkpoints: ReturnType<typeof checkCheckpointList> = [];
  const leafOfSeq = (seq: number): string | undefined => (seq >= 1 && seq * HASH_BYTES <= leaves.length ? leaves.toString('hex', (seq - 1) * HASH_BYTES, seq * HASH_BYTES) : undefined);
  const startStream = (): EntryStream => {
    const epochs = trustWithCertificates(trusted, certificates, header.logId, issues);
    keys = epochs.trusted;
    checkpoints = checkCheckpointList(stored, header.logId, keys, issues, epochs.epochStart);
    const trustedCp = options.trustedCheckpoint ? checkTrustedCheckpoint(options.trustedCheckpoint, 'trusted checkpoint', header.logId, keys, issues) : null;
    const e = new Expectations(issues, checkpoints, trustedCp, epochs.heads);
    expectations = e;
    const s = new EntryStream(issues, { sizes: e.sizes(), reached: (size, f, head) => e.reach(size, f.root(), head) }, leafOfSeq, new RedactionChecker(keys, header.logId));
    e.reach(0, s.frontier.root(), s.chainHead);
    return s;
  };
  for (const text of lines) {
    lineNo++;
    if (!text) continue;
    const line = parseLine(text, lineNo);
    if (line.type === 'certificate') {
      if (stream) throw new Error(`line ${lineNo}: certificate after the entries`);
      certificates.push({ body: String(line.body), sig: String(line.sig) });
    } else if (line.type === 'checkpoint') {
      if (stream) throw new Error(`line ${lineNo}: checkpoint after the entries`);
      stored.push({ n: stored.length + 1, cp: { body: String(line.body), sig: String(line.sig) } });
    } else if (line.type === 'entry') {
      stream ??= startStream();
      const body = String(line.body);
      // Text from JSON.parse can hold lone surrogates, which the fast path (ASCII only) never accepts.
      const { leaf } = stream.pushText(line.seq, body) ?? stream.push(line.seq, Buffer.from(body, 'utf8'), line.leaf);
      const at = (stream.size - 1) * HASH_BYTES;
      if (at + HASH_BYTES > leaves.length) leaves = Buffer.concat([leaves, Buffer.alloc(leaves.length)]);
      leaves.write(leaf, at, HASH_BYTES, 'hex');
    } else if (line.type !== 'key') {
      throw new Error(`line ${lineNo}: unknown line type ${JSON.stringify((line as { type: unknown }).type)}`);
    }
  }
  stream ??= startStream();
  if (stream.size !== header.entries) issues.add('ENTRY_COUNT_MISMATCH', `the header announces ${header.entries} entries, the bundle holds ${stream.size}`);
  checkRedactionRecords(stream.markers, stream.records, issues);
  expectations!.finish(stream.size, checkpoints.length ? checkpoints[checkpoints.length - 1] : null, options.maxCheckpointAge === undefined ? null : { now: options.now ?? Date.now(), maxAge: options.maxCheckpointAge });
  const list = issues.sorted();
  return {
    valid: !list.some((i) => i.severity === 'error'), entries: stream.size, checkpoints: stored.length, redacted: stream.redacted,
    issues: list, trustedKeyIds: [...keys.keys()], root: stream.frontier.root(),
  };
}

function main(argv: string[]): number {
  const files: string[] = [];
  const keys: string[] = [];
  let trustedCheckpoint: SignedCheckpoint | undefined;
  let maxCheckpointAge: number | undefined;
  let now: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--trusted-key') keys.push(fs.readFileSync(value(), 'utf8'));
    else if (a === '--trusted-checkpoint') trustedCheckpoint = JSON.parse(fs.readFileSync(value(), 'utf8').trim().split('\n').pop()!) as SignedCheckpoint;
    else if (a === '--max-checkpoint-age') maxCheckpointAge = Number(value());
    else if (a === '--now') now = Date.parse(value());
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else files.push(a);
  }
  if (files.length !== 1) throw new Error('usage: node verify-export.js BUNDLE --trusted-key PUB.pem [--trusted-checkpoint FILE] [--max-checkpoint-age MS] [--now ISO]');
  const result = verifyExportFile(files[0], { trustedKeys: keys, trustedCheckpoint, maxCheckpointAge, now });
  process.stdout.write(JSON.stringify(result) + '\n');
  return result.valid ? 0 : 1;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`verify-export: ${(error as Error).message}\n`);
    process.exitCode = 2;
  }
}
