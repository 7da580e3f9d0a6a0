import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyBaseline, CheckError, checkFiles, readBaseline, writeBaseline } from '../../src/analysis';

const dir = mkdtempSync(join(tmpdir(), 'baseline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const check = () => checkFiles(['job.js'], { cwd: dir, checks: ['synthetic_data'] });
const baselineFile = join(dir, 'baseline.json');

describe('baseline', () => {
  it('suppresses recorded findings even after lines move, and lets new ones through', () => {
    writeFileSync(join(dir, 'job.js'), 'const a = Math.random();\nconst b = Math.random();\n');
    writeBaseline(baselineFile, check());
    const stored = readFileSync(baselineFile, 'utf8');
    expect(JSON.parse(stored).entries).toEqual([expect.objectContaining({ rule: 'synthetic_data/math-random', file: 'job.js', count: 2 })]);

    writeFileSync(join(dir, 'job.js'), '// a comment that moves every line down\n\nconst a = Math.random();\nconst b = Math.random();\n');
    const moved = applyBaseline(check(), readBaseline(baselineFile));
    expect(moved.findings).toEqual([]);
    expect(moved.summary).toMatchObject({ findings: 0, suppressed: 2, byCategory: expect.objectContaining({ synthetic_data: 0 }) });

    writeFileSync(join(dir, 'job.js'), 'const a = Math.random();\nconst b = Math.random();\nconst c = Math.random();\n');
    const added = applyBaseline(check(), readBaseline(baselineFile));
    expect(added.findings).toHaveLength(1);
    expect(added.summary).toMatchObject({ findings: 1, suppressed: 2 });
  });

  it('does not suppress a different flagged text', () => {
    writeFileSync(join(dir, 'job.js'), "import _ from 'lodash';\n_.random(1);\n");
    const result = applyBaseline(checkFiles(['job.js'], { cwd: dir, checks: ['synthetic_data'] }), readBaseline(baselineFile));
    expect(result.findings.map((f) => f.rule)).toEqual(['synthetic_data/numeric-random']);
  });

  it('rejects a malformed baseline with a clear error', () => {
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ version: 1, entries: [{ rule: 'x', file: 'y', hash: 'nothex', count: 1 }] }));
    expect(() => readBaseline(join(dir, 'bad.json'))).toThrow(CheckError);
    expect(() => readBaseline(join(dir, 'bad.json'))).toThrow(/bad\.json is malformed at entries\.0\.hash/);
    expect(() => readBaseline(join(dir, 'missing.json'))).toThrow(/cannot read baseline/);
  });
});
