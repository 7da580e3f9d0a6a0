// Internal contract between the kernel and the audit store.
import type { AuditEntry } from '../types';

/** A decision waiting to be written: an AuditEntry before its batch is committed, which assigns `seq` and
 * the hashes. `ts` is milliseconds since the epoch here, encoded as an ISO string in the stored body. */
export type PendingEntry = Omit<AuditEntry, 'seq' | 'ts'> & { ts: number };

export interface AuditWriter {
  /** Queue an entry for the next group commit (cheap: no I/O on this call). */
  append(entry: PendingEntry): void;
  /** Queue an entry and commit everything queued before returning (used for denials). */
  appendDurable(entry: PendingEntry): void;
  /** Commit everything queued now. */
  flush(): void;
  /** Flush and close the database. */
  close(): void;
}

/** A checkpoint as stored and exported: the canonical body text and its base64 RSA-PSS signature. */
export interface SignedCheckpoint {
  body: string;
  sig: string;
}

export interface AuditWriterOptions {
  dbPath: string;
  /**
   * `group` (default): entries are committed in micro-batches (within 10 ms, allowed module loads within 100 ms,
   * or at 1024 entries); `appendDurable`
   * commits at once. `strict`: one transaction per entry, committed before `append` returns.
   */
  durability?: 'group' | 'strict';
  /** Directory of the signing key; default `<dir of dbPath>/keys`. A key is generated there if missing. */
  keyDir?: string;
  /** Sign a checkpoint at least every this many entries (default 4096). */
  checkpointEvery?: number;
  /** Sign a checkpoint when new entries are this old (default 1000 ms). */
  checkpointIntervalMs?: number;
  /** Heartbeat: sign a checkpoint at least this often while the writer is open, even when idle (default 60000 ms). */
  maxCheckpointAgeMs?: number;
  /** Leading zero bits required of each leaf hash (default 0: off). */
  proofOfWorkBits?: number;
  /** Where each new checkpoint is also sent: a file path (NDJSON lines) or a command reading it on stdin. */
  checkpointSink?: string | { command: string };
  /** Called with errors of background commits (default: a line on stderr). */
  onError?: (error: Error) => void;
}

export interface InclusionProof {
  seq: number;
  leafIndex: number;
  treeSize: number;
  /** Hex leaf hash SHA-256(0x00 ‖ body). */
  leafHash: string;
  /** Hex audit path, RFC 9162 order. */
  path: string[];
  /** Hex Merkle root at treeSize. */
  root: string;
}

export interface ConsistencyProof {
  oldSize: number;
  newSize: number;
  oldRoot: string;
  newRoot: string;
  path: string[];
}

export interface AuditVerifyOptions {
  /** Trusted public keys: PEM text or paths of PEM files. Keys found in the database are never trusted. */
  trustedKeys?: readonly string[];
  /** A checkpoint obtained earlier (e.g. from the sink): the log must still contain it and extend it. */
  trustedCheckpoint?: SignedCheckpoint;
  /** Incremental verification: entries up to this trusted checkpoint are not re-read, only the stored tree frontier is checked against it. */
  since?: SignedCheckpoint;
  /** With maxCheckpointAge: the newest checkpoint must be younger than this (default: now). ISO string or ms. */
  now?: string | number;
  /** Report STALE_CHECKPOINT when the newest checkpoint is older than this many ms (for logs whose writer should be running). */
  maxCheckpointAge?: number;
  /** Require this many leading zero bits of every leaf hash (the log was written with proof-of-work). */
  proofOfWorkBits?: number;
  /** Worker threads for verifying a large log (default: one per core, at most 8; 1: the calling thread only). */
  threads?: number;
}

export type IssueSeverity = 'error' | 'warning';

export interface AuditVerifyIssue {
  code: string;
  seq?: number;
  detail: string;
  /** `warning` issues do not make the log invalid (e.g. entries written after the last checkpoint by a crashed process). */
  severity: IssueSeverity;
}

export interface AuditVerifyResult {
  valid: boolean;
  entries: number;
  checkpoints: number;
  /** Entries whose body was redacted (replaced by a signed marker; the leaf hash kept). */
  redacted: number;
  issues: AuditVerifyIssue[];
  /** keyIds the checkpoints were checked against. */
  trustedKeyIds: string[];
  /** Hex Merkle root over all entries. */
  root: string;
}
