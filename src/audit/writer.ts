// The audit writer: queues decisions cheaply and commits them in batches, each batch in one BEGIN IMMEDIATE
// transaction that extends the hash chain and the Merkle tree from the state read inside the transaction,
// so several processes can append to one log. Signs checkpoints every N entries, every T ms, as an idle
// heartbeat and at close. Everything used after user code has started is captured at module load.
import fs = require('node:fs');
import path = require('node:path');
import { leadingZeroBits, sha256Hex, ZERO_HEX } from './hash';
import { encodeBody, isoFromMillis, writePlainBody, type BodyInput } from './encoding';
import { HexFrontier } from './merkle';
import { ensureSchema, openDatabase } from './schema';
import { openTreeStore } from './tree-store';
import { deliverCheckpoint, signCheckpoint } from './checkpoint';
import { ensureSigningKey, PRIVATE_KEY_FILE, signingKeyFromPem, type SigningKey } from '../crypto/keys';
import { readOwnFile } from '../own-fs';
import { ENTRY_FIELDS, flattenEntry } from './writer-thread-protocol';
import type { AuditWriter, AuditWriterOptions, PendingEntry, SignedCheckpoint } from './types';
import { primordials } from '../primordials';
import { hasStackHeadroom } from './stack-headroom';

const { mkdirSync, writeSync } = fs;
const { dirname, resolve: resolvePath } = path;
const { setTimeout: setTimer, clearTimeout: clearTimer, setInterval: setRepeating, clearInterval: clearRepeating } = globalThis;
const dateNow = Date.now;
const reflectApply = Reflect.apply;
const numberIsNaN = Number.isNaN;
const isInteger = Number.isInteger;
const bufferAlloc = Buffer.alloc;
const bufferFrom = Buffer.from;
const bufferCompare = Buffer.compare;
const bufferToString = Buffer.prototype.toString;
const bufferWrite = Buffer.prototype.write;
const bufferSubarray = Buffer.prototype.subarray;
const dateParse = Date.parse;
const jsonParse = JSON.parse;
const { apply } = Reflect;
const { newList, ownErrorCode, rethrowUnlessSystemError } = primordials;
const stringSlice = String.prototype.slice;
const hex = (b: Buffer): string => apply(bufferToString, b, ['hex']);

const FLUSH_DELAY_MS = 10;
/**
 * Allowed module loads may wait longer: they come in bursts while a program starts, when the writer's code is
 * still cold and each commit costs 0.4-1 ms, and each target is recorded once per process anyway.
 */
const MODULE_LOAD_FLUSH_DELAY_MS = 100;
const FLUSH_THRESHOLD = 1024;
/** Rows per INSERT statement: multi-row inserts halve SQLite's per-row overhead. */
const ROWS_PER_INSERT = 32;
const ROW_WIDTH = 4 * ROWS_PER_INSERT;
/**
 * One row. The body is bound as its UTF-8 bytes, which the leaf hash is computed from, and stored as TEXT;
 * the hashes are bound as hex (cheaper to produce than Buffers) and stored as blobs.
 */
const ROW_VALUES = '(?, CAST(? AS TEXT), unhex(?), unhex(?))';
/** Initial size of the buffer that holds the bodies of the rows of one INSERT. */
const ROW_BYTES = 64 * 1024;
/** Thrown by a flush that would not have the stack to finish: the entries stay queued for the next commit. */
const STACK_TOO_LOW = new RangeError('audit commit postponed: too little stack left to finish it; the entries wait for the next commit');
Reflect.defineProperty(STACK_TOO_LOW, 'stack', { value: `RangeError: ${STACK_TOO_LOW.message}` });

interface LastCheckpoint {
  n: number;
  size: number;
  tsMs: number;
}

function positiveInt(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`audit option ${name} must be a positive integer, got ${value}`);
  return value;
}

export function defaultOnError(error: Error): void {
  writeSync(2, `mltrainer-governance audit: ${error.message}\n`);
}

/** The writer, with the entry point of the writer thread. */
export interface BatchAuditWriter extends AuditWriter {
  /** Commit the flattened entries of `fields` (see flattenEntry; the array is taken over) after everything queued. */
  commitBatch(fields: unknown[]): void;
}

export function openAuditWriter(options: AuditWriterOptions): BatchAuditWriter {
  const strict = options.durability === 'strict';
  if (options.durability !== undefined && options.durability !== 'group' && !strict) throw new Error(`audit durability must be "group" or "strict", got ${JSON.stringify(options.durability)}`);
  const checkpointEvery = positiveInt(options.checkpointEvery, 4096, 'checkpointEvery');
  const checkpointIntervalMs = positiveInt(options.checkpointIntervalMs, 1000, 'checkpointIntervalMs');
  const maxCheckpointAgeMs = positiveInt(options.maxCheckpointAgeMs, 60_000, 'maxCheckpointAgeMs');
  const powBits = options.proofOfWorkBits ?? 0;
  if (!Number.isInteger(powBits) || powBits < 0 || powBits > 32) throw new Error(`audit proofOfWorkBits must be an integer 0..32, got ${powBits}`);
  const sink = options.checkpointSink;
  const onError = options.onError ?? defaultOnError;

  const dbPath = resolvePath(options.dbPath);
  mkdirSync(dirname(dbPath), { recursive: true });
  const keyDir = options.keyDir ?? resolvePath(dirname(dbPath), 'keys');
  const keyFile = resolvePath(keyDir, PRIVATE_KEY_FILE);
  // Read with own-fs.ts too: a writer opened at exit for late entries (late-writer.ts) opens under the hooks, which
  // refuse a read of the private key.
  let keyPem = ownKeyPem();
  let key = keyPem === null ? ensureSigningKey(keyDir).key : signingKeyFromPem(keyPem, keyFile);
  keyPem ??= ownKeyPem();

  /**
   * The current signing key: `keys rotate` renames a new key over the file, which starts a new epoch. Read at each
   * checkpoint, inside the commit of a durable denial, so with functions that enter no hook and build no Stats
   * object (own-fs.ts): Node fills a Stats object by assignment, which ran the program's Object.prototype setters.
   */
  function currentKey(): SigningKey {
    const pem = ownKeyPem();
    if (pem !== null && (keyPem === null || bufferCompare(pem, keyPem) !== 0)) {
      key = signingKeyFromPem(pem, keyFile);
      keyPem = pem;
    }
    return key;
  }

  function ownKeyPem(): Buffer | null {
    try {
      return readOwnFile(keyFile);
    } catch (error) {
      rethrowUnlessSystemError(error);
      return null; // removed: keep signing with the key in memory
    }
  }
  const db = openDatabase(dbPath);
  // Bodies are bound as UTF-8 bytes and CAST to TEXT, which reads them in the database's encoding.
  const encoding = db.pragma('encoding', { simple: true });
  if (encoding !== 'UTF-8') {
    db.close();
    throw new Error(`audit log ${dbPath} uses the text encoding ${String(encoding)}; the writer needs UTF-8 (the encoding of every log it creates)`);
  }
  const logId = ensureSchema(db);
  const tree = openTreeStore(db);

  // Single columns (pluck): the driver fills a row object by assignment, where an Object.prototype setter for a
  // column name would run program code inside a decision.
  const lastEntry = db.prepare('SELECT seq FROM entries ORDER BY seq DESC LIMIT 1').pluck();
  const leafOf = db.prepare('SELECT leaf FROM entries WHERE seq = ?').pluck();
  const insertOne = db.prepare(`INSERT INTO entries (seq, body, leaf, nodes) VALUES ${ROW_VALUES}`);
  const insertMany = db.prepare(`INSERT INTO entries (seq, body, leaf, nodes) VALUES ${Array(ROWS_PER_INSERT).fill(ROW_VALUES).join(', ')}`);
  const lastCheckpointNumber = db.prepare('SELECT n FROM checkpoints ORDER BY n DESC LIMIT 1').pluck();
  const checkpointBody = db.prepare('SELECT body FROM checkpoints WHERE n = ?').pluck();
  const insertCheckpoint = db.prepare('INSERT INTO checkpoints (n, body, sig) VALUES (?, ?, ?)');
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commitTransaction = db.prepare('COMMIT');
  const rollback = db.prepare('ROLLBACK');
  // The statement methods, taken from the prototype now, while the log opens before any program code: the driver's
  // module is in require.cache, so a program can reach the same Statement prototype and replace `run`, which ran
  // inside every durable denial (where the kernel lets calls through) and could drop entries (until 2026-11-23).
  const statementPrototype = Reflect.getPrototypeOf(lastEntry) as { run: Function; get: Function };
  const statementRun = statementPrototype.run;
  const statementGet = statementPrototype.get;
  const runStatement = (statement: object, args: unknown[]): unknown => reflectApply(statementRun, statement, args);
  const getValue = (statement: object, args: unknown[]): unknown => reflectApply(statementGet, statement, args);

  // Cached tree state; reused when no other process has appended since our last commit.
  let frontier = new HexFrontier();
  let chainHead = ZERO_HEX; // hex leaf hash of the last entry
  let cacheValid = false;
  /** Whether a BEGIN may have run with no COMMIT or ROLLBACK after it. */
  let transactionOpen = false;

  /** Entries appended on this thread: moved to `queue` when a commit starts, so that append() costs one store. */
  let pending = newList<PendingEntry>();
  /** Entries waiting for their commit, flattened (ENTRY_FIELDS values each), older than those pending. */
  let queue = newList<unknown>();
  let flushTimer: ReturnType<typeof setTimeout> | null = null;
  /** When the entries waiting for a commit must be committed (while flushTimer is set). */
  let flushDue = 0;
  let closed = false;

  function syncTreeState(): void {
    const lastSeq = getValue(lastEntry, []) as number | undefined;
    const size = lastSeq !== undefined ? lastSeq : 0;
    const head = lastSeq !== undefined ? hex(getValue(leafOf, [lastSeq]) as Buffer) : ZERO_HEX;
    if (cacheValid && frontier.size === size && chainHead === head) return;
    const stored = tree.frontier(size).hashes;
    const hashes = newList<string>();
    for (let i = 0; i < stored.length; i++) hashes[i] = hex(stored[i]);
    frontier = new HexFrontier(size, hashes);
    chainHead = head;
    cacheValid = true;
  }

  function readLastCheckpoint(): LastCheckpoint {
    const n = getValue(lastCheckpointNumber, []) as number | undefined;
    if (n === undefined) return { n: 0, size: 0, tsMs: 0 };
    const row = { n, body: getValue(checkpointBody, [n]) as string };
    let fields: { size?: unknown; ts?: unknown } | null = null;
    try {
      fields = jsonParse(row.body);
    } catch {
      // reported below
    }
    const tsMs = typeof fields?.ts === 'string' ? dateParse(fields.ts) : NaN;
    if (typeof fields?.size !== 'number' || numberIsNaN(tsMs)) throw new Error(`checkpoint ${row.n} in the audit log is malformed; run \`mltrainer-governance audit verify\``);
    return { n: row.n, size: fields.size, tsMs };
  }

  // ISO timestamps of the current second share their first 20 characters ("2026-11-21T18:29:16."):
  // formatting a Date per entry would cost about a microsecond.
  let isoSecond = -1;
  let isoPrefix = '';
  function isoOf(ms: number): string {
    const millis = ms % 1000;
    if (millis < 0 || !isInteger(ms)) return isoFromMillis(ms);
    const second = ms - millis;
    if (second !== isoSecond) {
      // Both after the calls: a call can throw on an exhausted stack, and a second paired with the previous
      // prefix wrote malformed timestamps (until 2026-11-23).
      const prefix = apply(stringSlice, isoFromMillis(second), [0, 20]) as string;
      isoPrefix = prefix;
      isoSecond = second;
    }
    return isoPrefix + (millis < 10 ? `00${millis}` : millis < 100 ? `0${millis}` : `${millis}`) + 'Z';
  }

  /** The body fields of the entry being encoded: one object, reused. */
  const fields: BodyInput = {
    seq: 0, prev: ZERO_HEX, ts: '', pid: 0, actor: '', action: '', target: '', decision: 'allow', ruleId: null,
    level: 'development', reason: '', caller: null, violation: null, nonce: undefined,
  };
  const completed = newList<string>();

  /** Each row's leaf hash input 0x00 ‖ body, for the rows of the INSERT being filled; rowAt is where the next starts. */
  let rowBytes = bufferAlloc(ROW_BYTES);
  let rowAt = 0;

  /** Writes 0x00 ‖ the UTF-8 body of `fields` at rowAt; returns where it ends. */
  function writeLeafInput(): number {
    let end = writePlainBody(rowBytes, rowAt + 1, fields);
    if (end < 0) {
      const body = encodeBody(fields);
      if (rowAt + 1 + 3 * body.length > rowBytes.length) {
        rowBytes = bufferAlloc(ROW_BYTES + 3 * body.length); // the rows already written keep their views of the old one
        rowAt = 0;
      }
      end = rowAt + 1 + (apply(bufferWrite, rowBytes, [body, rowAt + 1, 'utf8']) as number);
    }
    rowBytes[rowAt] = 0x00;
    return end;
  }

  /** Encode, hash and add to the tree the entry at `at` of a flattened batch; its row values are pushed to `rows`. */
  function appendEntry(batch: unknown[], at: number, rows: unknown[]): void {
    const f = fields;
    f.seq = frontier.size + 1; f.prev = chainHead; f.ts = isoOf(batch[at] as number); f.pid = batch[at + 1] as number;
    f.actor = batch[at + 2] as string; f.action = batch[at + 3] as string; f.target = batch[at + 4] as string;
    f.decision = batch[at + 5] as BodyInput['decision']; f.ruleId = batch[at + 6] as string | null; f.level = batch[at + 7] as BodyInput['level'];
    f.reason = batch[at + 8] as string; f.caller = batch[at + 9] as string | null; f.violation = batch[at + 10] as BodyInput['violation'];
    f.nonce = powBits > 0 ? 0 : undefined;
    let end = writeLeafInput();
    let leaf = sha256Hex(apply(bufferSubarray, rowBytes, [rowAt, end]));
    while (powBits > 0 && leadingZeroBits(bufferFrom(leaf, 'hex')) < powBits) {
      f.nonce!++;
      end = writeLeafInput();
      leaf = sha256Hex(apply(bufferSubarray, rowBytes, [rowAt, end]));
    }
    completed.length = 0;
    frontier.push(leaf, completed);
    chainHead = leaf;
    let nodes: string | null = null;
    if (completed.length !== 0) {
      nodes = completed[0];
      for (let i = 1; i < completed.length; i++) nodes += completed[i];
    }
    rows[rows.length] = f.seq;
    rows[rows.length] = apply(bufferSubarray, rowBytes, [rowAt + 1, end]);
    rows[rows.length] = leaf;
    rows[rows.length] = nodes;
    rowAt = end;
  }

  const rows = newList<unknown>();

  /** Appends and inserts the entries of a flattened batch, ROWS_PER_INSERT rows per statement. */
  function insertEntries(batch: unknown[]): void {
    rows.length = 0;
    rowAt = 0;
    for (let at = 0; at < batch.length; at += ENTRY_FIELDS) {
      appendEntry(batch, at, rows);
      if (rows.length === ROW_WIDTH) {
        runStatement(insertMany, [rows]);
        rows.length = 0;
        rowAt = 0;
      }
    }
    for (let i = 0; i < rows.length; i += 4) runStatement(insertOne, [rows[i], rows[i + 1], rows[i + 2], rows[i + 3]]);
    rows.length = 0;
  }

  // When this writer first saw entries no checkpoint covers: an entry waits at most checkpointIntervalMs from
  // then for a signature. (Counting from the last checkpoint instead, written by an earlier process, made
  // every short process sign twice: at its first commit and at close.)
  let uncoveredSince = 0;

  /** Sign a checkpoint of the current tree when one is due (or `force`d and there is something new or it is old). */
  function checkpointIfDue(force: 'none' | 'new-entries' | 'heartbeat'): SignedCheckpoint | null {
    const last = readLastCheckpoint();
    const now = dateNow();
    const uncovered = frontier.size - last.size;
    if (uncovered === 0) uncoveredSince = 0;
    else if (uncoveredSince === 0) uncoveredSince = last.n === 0 ? last.tsMs : now; // a new log's first batch: at once
    const due = uncovered >= checkpointEvery ||
      (uncovered > 0 && (now - uncoveredSince >= checkpointIntervalMs || force !== 'none')) ||
      (force === 'heartbeat' && now - last.tsMs >= maxCheckpointAgeMs / 2);
    if (!due) return null;
    uncoveredSince = 0;
    const signing = currentKey();
    const cp = signCheckpoint({
      logId, n: last.n + 1, size: frontier.size, root: frontier.root(),
      chainHead, ts: isoFromMillis(now), keyId: signing.keyId,
    }, signing.privateKey);
    runStatement(insertCheckpoint, [last.n + 1, cp.body, bufferFrom(cp.sig, 'base64')]);
    return cp;
  }

  /**
   * One batch in one immediate transaction, with the writer's own statements (the driver's `transaction()` wrapper
   * calls `run` and `Function.prototype.call` by lookup, both the program's to replace).
   */
  function commitImmediate(batch: unknown[], force: 'none' | 'new-entries' | 'heartbeat'): SignedCheckpoint | null {
    if (transactionOpen) rollBack(); // left open by a rollback that could not run: BEGIN would fail inside it
    transactionOpen = true;
    try {
      runStatement(begin, []);
      syncTreeState();
      insertEntries(batch);
      const cp = checkpointIfDue(force);
      runStatement(commitTransaction, []);
      transactionOpen = false;
      return cp;
    } catch (error) {
      rollBack();
      throw error;
    }
  }

  function rollBack(): void {
    try {
      runStatement(rollback, []);
      transactionOpen = false;
    } catch (error) {
      // SQLite's own error (no transaction is active after a failed BEGIN or COMMIT) settles it; any other, such
      // as a RangeError before the statement ran, leaves the transaction open for the next commit to roll back.
      if (ownErrorCode(error) !== null) transactionOpen = false;
    }
  }

  function run(batch: unknown[], force: 'none' | 'new-entries' | 'heartbeat'): void {
    let cp: SignedCheckpoint | null;
    try {
      cp = commitImmediate(batch, force);
    } catch (error) {
      cacheValid = false;
      throw error;
    }
    if (cp && sink !== undefined) {
      try {
        deliverCheckpoint(sink, cp);
      } catch (error) {
        onError(error as Error);
      }
    }
  }

  function queuePending(): void {
    if (pending.length === 0) return;
    for (let i = 0; i < pending.length; i++) flattenEntry(pending[i], queue);
    pending = newList();
  }

  function flush(): void {
    if ((pending.length !== 0 || queue.length !== 0) && !hasStackHeadroom()) throw STACK_TOO_LOW;
    if (flushTimer !== null) { clearTimer(flushTimer); flushTimer = null; }
    queuePending();
    if (queue.length === 0) return;
    const batch = queue;
    queue = newList();
    try {
      run(batch, 'none');
    } catch (error) {
      const rest = queue;
      queue = batch;
      for (let i = 0; i < rest.length; i++) queue[queue.length] = rest[i];
      throw error;
    }
  }

  function flushInBackground(): void {
    try {
      flush();
    } catch (error) {
      onError(error as Error);
    }
  }

  function heartbeat(): void {
    try {
      flush();
      run([], 'heartbeat');
    } catch (error) {
      onError(error as Error);
    }
  }

  const heartbeatTimer = setRepeating(heartbeat, checkpointIntervalMs);
  heartbeatTimer.unref();

  /**
   * Commits the queue that `entry` has just joined. If that fails, the caller is told so (the kernel then refuses
   * the action), so the entry must not stay queued for a later commit to record as allowed.
   */
  function commitWith(entry: PendingEntry): void {
    try {
      flush();
    } catch (error) {
      if (pending.length > 0 && pending[pending.length - 1] === entry) pending.length -= 1;
      else queue.length -= ENTRY_FIELDS;
      throw error;
    }
  }

  function scheduleFlush(now: number, delay: number): void {
    if (flushTimer !== null) clearTimer(flushTimer);
    flushDue = now + delay;
    flushTimer = setTimer(flushInBackground, delay);
    flushTimer.unref();
  }

  function assertOpen(): void {
    if (closed) throw new Error(`audit writer for ${dbPath} is closed`);
  }

  return {
    append(entry: PendingEntry): void {
      if (closed) { onError(new Error(`audit writer for ${dbPath} is closed; entry for ${entry.action}:${entry.target} not written`)); return; }
      pending[pending.length] = entry;
      if (strict || pending.length + queue.length / ENTRY_FIELDS >= FLUSH_THRESHOLD) return commitWith(entry);
      const now = dateNow();
      const delay = entry.action === 'module_load' ? MODULE_LOAD_FLUSH_DELAY_MS : FLUSH_DELAY_MS;
      if (flushTimer !== null && now >= flushDue) {
        // A thread busy in a synchronous loop never lets the timer run: commit from here, so that what a kill
        // from outside loses is still bounded by the delays above.
        flushInBackground();
      } else if (flushTimer === null || now + delay < flushDue) scheduleFlush(now, delay);
    },
    appendDurable(entry: PendingEntry): void {
      assertOpen();
      pending[pending.length] = entry;
      flush();
    },
    commitBatch(fields: unknown[]): void {
      assertOpen();
      queuePending();
      if (queue.length === 0) queue = fields;
      else for (let i = 0; i < fields.length; i++) queue[queue.length] = fields[i];
      flush();
    },
    flush(): void {
      assertOpen();
      flush();
    },
    close(): void {
      if (closed) return;
      clearRepeating(heartbeatTimer);
      try {
        flush();
        run([], 'new-entries');
      } finally {
        closed = true;
        db.close();
      }
    },
  };
}
