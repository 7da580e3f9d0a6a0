// One chunk of a parallel verification: the entries from+1..to checked by a worker thread with its own
// connection. Chunks end at multiples of the chunk size (a power of two), so each chunk's leaves form perfect
// subtrees of the log's tree: the thread computes the chunk's part of the tree and the nodes stored inside
// it, and the combining thread puts the chunks together (verify-parallel.ts).
import type { KeyObject } from 'node:crypto';
import { HexFrontier } from './merkle';
import { RedactionChecker } from './redaction';
import type { AuditDatabase } from './schema';
import { EntryStream, Issues, type RedactionMarkerRef, type RedactionRecordRef } from './verify-core';
import { scanRows } from './verify-rows';
import type { AuditVerifyIssue } from './types';

/** What every chunk of one verification shares. */
export interface ChunkSetup {
  logId: string;
  trusted: [string, KeyObject][];
  proofOfWorkBits: number;
}

export interface ChunkTask {
  index: number;
  from: number;
  to: number;
  /** The chunk's part of the frontier at `from` (empty unless the verification starts inside this chunk). */
  frontier: string[];
  frontierSize: number;
  /** Hex leaf hash of entry `from` when known (the start of the verification); else the stored one is used. */
  prev: string | null;
  /** Sizes in from+1..to at which the chunk's frontier is reported (checkpoint sizes). */
  snapshots: number[];
  /** True when `to` ends a chunk (its last row's stored nodes go on above the chunk). */
  full: boolean;
}

export interface ChunkSnapshot { size: number; hashes: string[]; chainHead: string }

export interface ChunkResult {
  index: number;
  to: number;
  full: boolean;
  issues: AuditVerifyIssue[];
  /** The rows were exactly from+1..to. */
  dense: boolean;
  /** The hex leaf hash the chunk's first entry was chained to. */
  startPrev: string;
  /** Hex leaf hash of the last entry. */
  lastLeaf: string;
  /** The chunk's part of the frontier at `to` (one hash for a full chunk: its subtree root). */
  hashes: string[];
  snapshots: ChunkSnapshot[];
  nodeMismatchSeen: boolean;
  /** Hex stored nodes of the last row above the chunk (full chunks only). */
  upperNodes: string;
  redacted: number;
  markers: RedactionMarkerRef[];
  records: RedactionRecordRef[];
}

export function verifyChunk(db: AuditDatabase, setup: ChunkSetup, task: ChunkTask): ChunkResult {
  const issues = new Issues();
  const leafOf = db.prepare('SELECT lower(hex(leaf)) FROM entries WHERE seq = ?').pluck();
  const leafOfSeq = (seq: number): string | undefined => leafOf.get(seq) as string | undefined;
  const startPrev = task.prev ?? leafOfSeq(task.from) ?? '';
  const snapshots: ChunkSnapshot[] = [];
  const watch = { sizes: task.snapshots, reached: (size: number, f: HexFrontier, chainHead: string) => { snapshots.push({ size, hashes: f.hashes.slice(), chainHead }); } };
  const checker = new RedactionChecker(new Map(setup.trusted), setup.logId);
  const stream = new EntryStream(issues, watch, leafOfSeq, checker, { frontier: new HexFrontier(task.frontierSize, task.frontier.slice()), prev: startPrev, size: task.from });
  stream.proofOfWorkBits = setup.proofOfWorkBits;
  const scan = scanRows(db, stream, issues, { from: task.from, to: task.to, columns: [], splitAt: task.full ? task.to : undefined, nodeMismatchSeen: false });
  return {
    index: task.index, to: task.to, full: task.full, issues: issues.list, dense: scan.dense, startPrev, lastLeaf: stream.chainHead, hashes: stream.frontier.hashes.slice(), snapshots,
    nodeMismatchSeen: scan.nodeMismatchSeen, upperNodes: scan.upperNodes, redacted: stream.redacted, markers: stream.markers, records: stream.records,
  };
}
