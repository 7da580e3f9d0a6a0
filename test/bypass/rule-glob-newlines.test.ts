// Rule globs are regular expressions, and picomatch writes `**` with `.`, which stops at a line break: no `**` or `*`
// glob matched a path with a newline in it, so such a path went past every deny rule while `**` alone (an allow, or a
// default allow) still let it through. A file whose name holds a newline in a read-denied directory was read under a
// policy that allows reading `**`, and under a default-allow policy files and directories were made in a
// write-denied one. Globs now match line breaks like any other character.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, governedRun, LAUNCH_MODES, removeProject, writeOnlyInOkPolicy } from '../helpers/governed-run';
import { routeResults } from '../helpers/route-results';

const APP = String.raw`
const fs = require('node:fs');
const results = {};
function attempt(label, fn) {
  try { results[label] = { outcome: 'done', value: fn() }; }
  catch (e) { results[label] = { outcome: 'thrown', code: e && e.code, message: String(e && e.message) }; }
}
attempt('read a file whose name has a newline', () => fs.readFileSync('secrets/db\npassword.txt', 'utf8'));
attempt('read below a directory whose name has a newline', () => fs.readFileSync('secrets/a\nb/key.txt', 'utf8'));
attempt('read a file whose name has a carriage return', () => fs.readFileSync('secrets/db\rpassword.txt', 'utf8'));
attempt('write a file whose name has a newline', () => fs.writeFileSync('protected/planted\n.txt', 'PLANTED'));
attempt('make a directory whose name has a newline', () => fs.mkdirSync('protected/dir\n'));
attempt('positive control: write a newline name where writing is allowed', () => { fs.writeFileSync('ok/new\nline.txt', 'fine'); return fs.readFileSync('ok/new\nline.txt', 'utf8'); });
process.stdout.write('RESULTS ' + JSON.stringify(results) + '\n');
`;

type Outcome = { outcome: string; code?: string; value?: unknown; message?: string };

const REFUSED: Record<string, [string, string]> = {
  'read a file whose name has a newline': ['file_read', 'secrets/db\npassword.txt'],
  'read below a directory whose name has a newline': ['file_read', 'secrets/a\nb/key.txt'],
  'read a file whose name has a carriage return': ['file_read', 'secrets/db\rpassword.txt'],
  'write a file whose name has a newline': ['file_write', 'protected/planted\n.txt'],
  'make a directory whose name has a newline': ['file_write', 'protected/dir\n'],
};

function project(): string {
  const dir = createProject({ files: { 'app.cjs': APP, 'ok/.keep': '', 'protected/.keep': '' } });
  mkdirSync(join(dir, 'secrets', 'a\nb'), { recursive: true });
  writeFileSync(join(dir, 'secrets', 'db\npassword.txt'), 'SECRET-1');
  writeFileSync(join(dir, 'secrets', 'db\rpassword.txt'), 'SECRET-2');
  writeFileSync(join(dir, 'secrets', 'a\nb', 'key.txt'), 'SECRET-3');
  return dir;
}

const denyRules = (dir: string): Record<string, unknown>[] => [
  { id: 'no-secrets', action: 'file_read', target: `${dir}/secrets/**`, effect: 'deny' },
  { id: 'no-protected', action: 'file_write', target: `${dir}/protected/**`, effect: 'deny' },
];

const POLICIES: Record<string, (dir: string) => Record<string, unknown>> = {
  'reads of ** allowed, writes in ok/': (dir) => writeOnlyInOkPolicy(dir, { rules: denyRules(dir) }),
  'default allow': (dir) => ({ level: 'production', default: 'allow', rules: denyRules(dir) }),
};

describe.each(Object.keys(POLICIES))('deny rules and paths with line breaks, %s', (policyName) => {
  describe.each(LAUNCH_MODES)('(%s)', (mode) => {
    const dir = project();
    const run = governedRun({ dir, mode, entry: 'app.cjs', policy: POLICIES[policyName](dir) });
    const results = run.status === 0 ? routeResults<Record<string, Outcome>>(run) : {};
    afterAll(() => removeProject(dir));

    it('ran to completion', () => {
      expect(run.status, run.stderr).toBe(0);
    });

    it.each(Object.keys(REFUSED))('%s: refused by the deny rule and recorded', (label) => {
      const [kind, path] = REFUSED[label];
      expect(results[label], JSON.stringify(results[label])).toMatchObject({ outcome: 'thrown', code: 'EGOVDENIED' });
      const target = join(dir, path);
      expect(run.entries().some((e) => e.action === kind && e.target === target && e.decision === 'deny' && e.ruleId !== null && e.ruleId.startsWith('no-'))).toBe(true);
    });

    it('no secret was read and nothing was made in protected/', () => {
      expect(JSON.stringify(results)).not.toContain('SECRET');
      expect(readdirSync(join(dir, 'protected'))).toEqual(['.keep']);
      expect(existsSync(join(dir, 'protected', 'planted\n.txt'))).toBe(false);
    });

    it('positive control: a newline name where the rules allow writing', () => {
      expect(results['positive control: write a newline name where writing is allowed']).toEqual({ outcome: 'done', value: 'fine' });
    });
  });
});
