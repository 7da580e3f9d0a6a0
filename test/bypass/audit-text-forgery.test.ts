// Entries hold the program's strings (targets, callers), and `audit query` and `audit tail` printed them as text: a path
// with a line break in it printed a line of its own, shaped like an entry the log does not hold (an approved write of
// /etc/shadow by alice), under the entry that really was recorded. Control characters are now printed escaped.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, REPO_ROOT, removeProject, writeOnlyInOkPolicy } from '../helpers/governed-run';

const FORGED = '9999  2026-01-01T00:00:00.000Z  1  alice  approved  file_write  /etc/shadow  ops';

const APP = String.raw`
const fs = require('node:fs');
const forged = process.argv[2];
try { fs.readFileSync('denied/x\n' + forged); } catch (e) { process.stdout.write('read ' + e.code + '\n'); }
fs.writeFileSync('ok/y\n' + forged.replace(/\//g, '_'), 'allowed');
fs.writeFileSync('ok/z\r\u001b[2K' + forged.replace(/\//g, '_'), 'allowed');
`;

const CLI = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');

describe.each(LAUNCH_MODES)('audit text output and line breaks in targets (%s)', (mode) => {
  const dir = createProject({ files: { 'app.cjs': APP, 'ok/.keep': '', 'denied/.keep': '' } });
  const policy = writeOnlyInOkPolicy(dir, { rules: [{ id: 'no-denied', action: 'file_read', target: `${dir}/denied/**`, effect: 'deny' }] });
  const run = governedRun({ dir, mode, entry: 'app.cjs', args: [FORGED], policy });
  const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8' });
  afterAll(() => removeProject(dir));

  it('ran, and the denial and the writes are in the log with their real targets', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('read EGOVDENIED');
    expect(run.entries().some((e) => e.action === 'file_read' && e.target === join(dir, 'denied', `x\n${FORGED}`) && e.decision === 'deny')).toBe(true);
    expect(run.entries().filter((e) => e.action === 'file_write' && e.target.startsWith(join(dir, 'ok', '')) && e.decision === 'allow').length).toBe(2);
  });

  it.each([['audit', 'query', '--limit', '1000'], ['audit', 'tail', '--no-follow', '--lines', '1000']])('%s %s: one line per entry, no forged line', (...args) => {
    const out = cli(...args);
    expect(out.status, out.stderr).toBe(0);
    const lines = out.stdout.split('\n');
    expect(lines.some((l) => l.startsWith('9999') || l.includes('\r') || l.includes('\u001b'))).toBe(false);
    expect(out.stdout).toContain(`x\\n${FORGED}`);
    expect(out.stdout).toContain('z\\r\\u001b[2K');
  });

  it('positive control: --json keeps the targets as they are', () => {
    const out = cli('audit', 'query', '--limit', '1000', '--json');
    const targets = out.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { target: string }).target);
    expect(targets).toContain(join(dir, 'denied', `x\n${FORGED}`));
  });
});
