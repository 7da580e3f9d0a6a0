// Durable appends from every depth near the stack limit, from a cold start, in a real process. Until 2026-11-23 a
// commit that ran out of stack half-way could leave its transaction open; the next BEGIN then failed, and the
// driver aborted the whole process building that error with no stack left (seen in CI). Now a commit either has
// the stack to finish or does not start, and what it postponed is committed later: nothing lost, nothing twice.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAuditReader } from '../../src/audit/index';
import { cleanup, tempDir } from './helpers';

const DIST = resolve(__dirname, '..', '..', 'dist', 'src', 'audit', 'index.js');

const SWEEP = `
const { openAuditWriter } = require(process.argv[1]);
const [dbPath, keyDir] = process.argv.slice(2);
const w = openAuditWriter({ dbPath, keyDir, checkpointEvery: 1 });
const outcomes = { committed: [], postponed: [], other: [] };
let n = 0;
function sweep() {
  try { sweep(); } catch {}
  const target = '/deep/' + (++n);
  try {
    w.appendDurable({ ts: Date.now(), pid: process.pid, actor: 'a', action: 'file_write', target, decision: 'deny', ruleId: 'r', level: 'production', reason: 'no', caller: null, violation: null });
    outcomes.committed.push(target);
  } catch (e) {
    (e instanceof RangeError && e.message.startsWith('audit commit postponed') ? outcomes.postponed : outcomes.other).push(target);
  }
}
for (let round = 0; round < 3; round++) sweep();
w.close();
process.stdout.write(JSON.stringify(outcomes));
`;

interface Outcomes { committed: string[]; postponed: string[]; other: string[] }

beforeAll(() => {
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run \`npm run build\` first`);
});
afterAll(cleanup);

describe('durable appends at every depth near the stack limit', () => {
  const dir = tempDir();
  const dbPath = join(dir, 'audit.db');
  const keyDir = join(dir, 'keys');
  let run: ReturnType<typeof spawnSync>;
  let outcomes: Outcomes;
  let targets: string[];

  beforeAll(() => {
    run = spawnSync(process.execPath, ['-e', SWEEP, DIST, dbPath, keyDir], { encoding: 'utf8', timeout: 120_000 });
    outcomes = JSON.parse(String(run.stdout || '{"committed":[],"postponed":[],"other":[]}')) as Outcomes;
    const reader = openAuditReader(dbPath);
    try {
      targets = reader.query({}).map((e) => e.target);
    } finally {
      reader.close();
    }
  }, 130_000);

  it('the process is not aborted', () => {
    expect(run.signal, String(run.stderr)).toBeNull();
    expect(run.status, String(run.stderr)).toBe(0);
  });

  it('reached the stack limit: some commits were postponed there, and most went through', () => {
    expect(outcomes.postponed.length).toBeGreaterThan(0);
    expect(outcomes.committed.length).toBeGreaterThan(outcomes.postponed.length);
  });

  it('every committed or postponed entry is in the log once, and none twice', () => {
    const counts = new Map<string, number>();
    for (const t of targets) counts.set(t, (counts.get(t) ?? 0) + 1);
    expect([...counts.values()].every((c) => c === 1)).toBe(true);
    for (const t of [...outcomes.committed, ...outcomes.postponed]) expect(counts.get(t), t).toBe(1);
  });

  it('the log verifies', () => {
    const reader = openAuditReader(dbPath);
    try {
      const result = reader.verify({ trustedKeys: [join(keyDir, 'log-signing.pub.pem')] });
      expect(result.issues).toEqual([]);
      expect(result.valid).toBe(true);
      expect(result.entries).toBe(targets.length);
    } finally {
      reader.close();
    }
  });
});
