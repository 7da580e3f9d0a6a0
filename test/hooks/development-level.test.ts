// At development level the hooks never block: a write the rules deny happens, and the log records it
// as would_deny with the resolved target.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createProject, governedRun, writeProjectFiles } from '../helpers/governed-run';

it('records would_deny and lets the call through at development level', () => {
  const dir = createProject({
    files: {
      'app.cjs': `const fs = require('node:fs');
        fs.writeFileSync('forbidden/dev.txt', 'x');
        require('node:child_process').execFileSync('/bin/echo', ['ran']);`,
    },
  });
  mkdirSync(join(dir, 'forbidden'));
  writeProjectFiles(dir, {
    policy: {
      level: 'development',
      default: 'allow',
      rules: [
        { id: 'no-forbidden', action: 'file_write', target: `${dir}/forbidden/**`, effect: 'deny' },
        { id: 'no-echo', action: 'process_spawn', target: 'echo', effect: 'deny' },
      ],
    },
  });
  const run = governedRun({ dir, mode: 'require', entry: 'app.cjs' });
  expect(run.status, run.stderr).toBe(0);
  expect(existsSync(join(dir, 'forbidden', 'dev.txt'))).toBe(true);
  const wouldDeny = run.entries().filter((e) => e.decision === 'would_deny').map((e) => `${e.action}:${e.target}:${e.ruleId}`);
  expect(wouldDeny).toEqual(expect.arrayContaining([`file_write:${dir}/forbidden/dev.txt:no-forbidden`, 'process_spawn:/bin/echo:no-echo']));
});
