// Shared by the audit and keys commands: where the log and keys are (config discovery, --db, --key-dir),
// repeated options, checkpoint files.
import fs = require('node:fs');
import path = require('node:path');
import { openAuditReader, type AuditReader } from '../../audit/index';
import { locateAuditLog, type AuditLocation } from '../../audit/location';
import type { SignedCheckpoint } from '../../audit/types';
import { UsageError, stringOption, type CommandContext, type OptionSpec } from '../command';

export const locationOptions: OptionSpec = {
  db: { type: 'string' },
  'key-dir': { type: 'string' },
};

export const LOCATION_USAGE = '[--db FILE] [--key-dir DIR]';

/** The config's audit location, with `--db` and `--key-dir` overriding it. */
export function locate(ctx: CommandContext): AuditLocation {
  const location = locateAuditLog({ configPath: stringOption(ctx, 'config'), cwd: ctx.cwd });
  const db = stringOption(ctx, 'db');
  const keyDir = stringOption(ctx, 'key-dir');
  if (db) location.dbPath = path.resolve(ctx.cwd, db);
  if (keyDir) location.keyDir = path.resolve(ctx.cwd, keyDir);
  else if (db) location.keyDir = path.join(path.dirname(location.dbPath), 'keys');
  return location;
}

export function listOption(ctx: CommandContext, name: string): string[] {
  const v = ctx.values[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

/** A checkpoint file as written by `audit checkpoint --out` (one JSON object) or a sink file (NDJSON: the last line). */
export function readCheckpointFile(file: string): SignedCheckpoint {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read checkpoint file ${file}: ${(error as Error).message}`);
  }
  const lines = text.trim().split('\n');
  try {
    const cp = JSON.parse(lines[lines.length - 1]) as SignedCheckpoint;
    if (typeof cp.body === 'string' && typeof cp.sig === 'string') return { body: cp.body, sig: cp.sig };
  } catch {
    // reported below
  }
  throw new UsageError(`${file} is not a checkpoint file (expected {"body": "...", "sig": "..."})`);
}

/** The reader of the log the command's options point at; a missing or unreadable log is a usage error. */
export function openReader(ctx: CommandContext): AuditReader {
  try {
    return openAuditReader(locate(ctx).dbPath);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * A field of an entry as one line of text: targets, actors and callers are the program's strings, and a line break in
 * one printed a forged entry of its own in the table (until 2026-11-23). Control characters are shown escaped.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
