// A file of the run that another file imports is checked when the module index first needs it (so it is parsed
// once); the run's result is the same as checking each file on its own, in input order.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFiles } from '../../../src/analysis';
import type { CheckResult } from '../../../src/analysis/types';
import { scratchFiles } from '../../helpers/scratch-files';

const { root, write } = scratchFiles('early-check-');

// app.js comes first (files are checked in path order) and needs both dependencies before their turn; dep-b.js imports dep-a.js again.
const app = write('app.js', "import { Dep, missing } from './lib/dep-a.js';\nimport { helper } from './lib/dep-b.js';\nnew Dep().absent();\nexport default [missing, helper];\n");
const depA = write('lib/dep-a.js', 'export class Dep { present() { return Math.random(); } }\n');
const depB = write('lib/dep-b.js', "import { Dep } from './dep-a.js';\nexport const helper = () => new Dep().gone();\n");

function rows(result: CheckResult): string[] {
  return result.findings.map((finding) => `${finding.file}:${finding.line} ${finding.rule}`);
}

describe('files a dependency of an earlier file', () => {
  it('are checked once, with the findings of separate runs, in input order', () => {
    const together = checkFiles([app, depA, depB], { cwd: root });
    const separate = [app, depA, depB].flatMap((file) => rows(checkFiles([file], { cwd: root })));
    expect(rows(together)).toEqual([...separate].sort());
    expect(rows(together)).toEqual([
      'app.js:1 deceptive_import/missing-export',
      'app.js:3 fake_method_call/missing-method',
      'lib/dep-a.js:1 synthetic_data/math-random',
      'lib/dep-b.js:2 fake_method_call/missing-method',
    ]);
    expect(together.summary.filesScanned).toBe(3);
    expect([...together.sources.keys()]).toEqual(['app.js', 'lib/dep-a.js', 'lib/dep-b.js']);
  });

  it('are read from the work tree by the module index and checked on their staged bytes in a --staged run', () => {
    const git = (...args: string[]): void => void execFileSync('git', args, { cwd: join(root, 'staged') });
    write('staged/app.js', "import { Dep } from './lib/dep-a.js';\nnew Dep().absent();\n");
    write('staged/lib/dep-a.js', 'export class Dep { present() { return Math.random(); } }\n');
    git('init', '-q');
    git('add', 'app.js', 'lib/dep-a.js');
    write('staged/lib/dep-a.js', 'export class Dep { present() { return 1; } absent() { return 2; } }\n');
    const result = checkFiles([], { cwd: join(root, 'staged'), staged: true });
    expect(rows(result)).toEqual(['lib/dep-a.js:1 synthetic_data/math-random']);
  });
});
