import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkFiles, formatJson, formatText } from '../../../src/analysis';

// governance-allow-secret: a made-up key the reporters must mask
const SECRET = 'AKIAIOSFODNN7EXAMPLX';
const dir = mkdtempSync(join(tmpdir(), 'text-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'job.js'), `const a = 1;\nconst b = 2;\nconst noise = Math.random();\nconst awsKey = '${SECRET}'; // noise\nconst c = 3;\n`);
const result = checkFiles(['job.js'], { cwd: dir, checks: ['synthetic_data', 'secret'] });

describe('text reporter', () => {
  const text = formatText(result);

  it('shows each finding with a code frame pointing at the flagged text', () => {
    expect(text).toContain('job.js:3:15  error  Math.random() generates synthetic data');
    expect(text).toContain([
      '  1 | const a = 1;',
      '  2 | const b = 2;',
      '> 3 | const noise = Math.random();',
      '    |               ^^^^^^^^^^^^^',
      '  4 | const awsKey = \'********************\'; // noise',
      '  5 | const c = 3;',
    ].join('\n'));
  });

  it('never shows the secret, in frames or messages', () => {
    expect(text).not.toContain(SECRET);
    expect(text).toContain("> 4 | const awsKey = '********************'; // noise");
  });

  it('ends with a summary', () => {
    expect(text.split('\n').at(-1)).toMatch(/^2 problems \(2 errors, 0 warnings\) \[synthetic_data 1, secret 1\] in 1 file scanned, \d+ ms$/);
  });
});

describe('JSON reporter', () => {
  const json = JSON.parse(formatJson(result));

  it('has the contract shape: findings with rule, category, file, line, column, message, severity', () => {
    expect(Object.keys(json).sort()).toEqual(['findings', 'summary']);
    expect(json.findings[0]).toMatchObject({ rule: 'synthetic_data/math-random', category: 'synthetic_data', file: 'job.js', line: 3, column: 15, severity: 'error' });
    for (const finding of json.findings) {
      for (const key of ['rule', 'category', 'file', 'line', 'column', 'message', 'severity']) expect(finding).toHaveProperty(key);
    }
  });

  it('summarises counts by category and severity, files scanned and duration', () => {
    expect(json.summary).toMatchObject({
      filesScanned: 1,
      findings: 2,
      byCategory: { synthetic_data: 1, secret: 1, missing_governance_import: 0, deceptive_import: 0, fake_method_call: 0 },
      bySeverity: { error: 2, warning: 0 },
    });
    expect(typeof json.summary.durationMs).toBe('number');
  });

  it('does not contain the secret', () => {
    expect(formatJson(result)).not.toContain(SECRET);
  });
});
