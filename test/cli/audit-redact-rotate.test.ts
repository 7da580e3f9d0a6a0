// `audit redact` and `keys rotate` through the real CLI, on a project of their own; `audit verify` with the
// default trust (the key dir) keeps passing, counting the redacted entries.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CLI, writeEntries } from './audit-project';
let dir: string;
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8' });

const ENTRY = "{ ts: Date.UTC(2026, 0, 1) + i * 1000, actor: 'alice', decision: 'allow' }";

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'audit-cli-redact-'));
  writeFileSync(join(dir, 'governance.config.json'), JSON.stringify({ level: 'staging', stateDir: 'state' }));
  writeEntries(dir, 1, 30, ENTRY);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('audit redact', () => {
  it('redacts one entry and, for retention, every entry before a date; verify stays valid and counts them', () => {
    expect(cli('audit', 'redact', '--seq', '3').status).toBe(2);
    expect(cli('audit', 'redact', '--seq', '3', '--before', '2026-01-02T00:00:00Z', '--reason', 'x').status).toBe(2);
    expect(cli('audit', 'redact', '--seq', '99', '--reason', 'x').stderr).toMatch(/1\.\.30/);
    const one = cli('audit', 'redact', '--seq', '3', '--reason', 'erasure request', '--actor', 'dpo', '--json');
    expect(one.status, one.stderr).toBe(0);
    expect(JSON.parse(one.stdout)).toMatchObject({ from: 3, to: 3, record: 31, redacted: 1 });
    const old = cli('audit', 'redact', '--before', '2026-01-01T00:00:10Z', '--reason', 'retention: 10 s', '--json');
    expect(JSON.parse(old.stdout)).toMatchObject({ from: 1, to: 9, record: 32, redacted: 8, skipped: 1 });
    const verdict = cli('audit', 'verify', '--json', '--threads', '1');
    expect(verdict.status, verdict.stdout).toBe(0);
    expect(cli('audit', 'verify', '--threads', '0').status).toBe(2);
    expect(JSON.parse(verdict.stdout)).toMatchObject({ valid: true, entries: 32, redacted: 9 });
    expect(cli('audit', 'verify').stdout).toMatch(/9 redacted/);
    const records = cli('audit', 'query', '--action', 'audit_redact', '--json').stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(records.map((r) => [r.actor, r.target, r.reason])).toEqual([['dpo', 'seq:3-3', 'erasure request'], [expect.any(String), 'seq:1-9', 'retention: 10 s']]);
  });
});

describe('keys rotate', () => {
  it('starts a new epoch; verify with the default trust follows the certificate; init --force is refused afterwards', () => {
    const before = JSON.parse(cli('keys', 'show', '--json').stdout);
    const rotate = cli('keys', 'rotate', '--json');
    expect(rotate.status, rotate.stderr).toBe(0);
    const summary = JSON.parse(rotate.stdout);
    expect(summary).toMatchObject({ epoch: 1, previousKeyId: before.keyId, size: 32 });
    writeEntries(dir, 100, 5, ENTRY);
    const shown = JSON.parse(cli('keys', 'show', '--json').stdout);
    expect(shown).toMatchObject({ keyId: summary.keyId, rootKeyId: before.keyId });
    const verdict = JSON.parse(cli('audit', 'verify', '--json').stdout);
    expect(verdict).toMatchObject({ valid: true, entries: 37, trustSource: 'keyDir' });
    expect(verdict.trustedKeyIds).toEqual([before.keyId, summary.keyId]);
    expect(cli('audit', 'verify', '--json', '--trusted-key', 'state/keys/log-signing.pub.pem').status).toBe(1);
    expect(cli('keys', 'init', '--force').status).toBe(2);
    expect(cli('audit', 'export', '--out', 'b.ndjson').status).toBe(0);
    expect(JSON.parse(cli('audit', 'verify-export', 'b.ndjson', '--json', '--trusted-key', 'state/keys/log-root.pub.pem').stdout)).toMatchObject({ valid: true, entries: 37 });
  });
});
