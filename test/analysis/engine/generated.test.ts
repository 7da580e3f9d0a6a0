// Generated and minified files: checkFiles leaves them to the secret check unless checkGenerated is set.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkFiles, checkSource } from '../../../src/analysis';
import { looksGenerated } from '../../../src/analysis/engine/generated';

// governance-allow-secret: a made-up key
const SECRET = 'AKIAIOSFODNN7EXAMPLX';
const root = mkdtempSync(join(tmpdir(), 'generated-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** About `bytes` of ordinary code, one short statement a line. */
function padding(bytes: number): string {
  return 'export const a0 = 1;\n'.repeat(Math.ceil(bytes / 21));
}

/** The same statements on one line, as a minifier writes them. */
function minified(bytes: number): string {
  return 'var a0=1;'.repeat(Math.ceil(bytes / 9));
}

describe('looksGenerated', () => {
  it('takes files over 256 KB and minified files for generated, and ordinary modules not', () => {
    expect(looksGenerated(padding(300 * 1024))).toBe(true);
    expect(looksGenerated(minified(20 * 1024))).toBe(true);
    expect(looksGenerated(padding(200 * 1024))).toBe(false);
    // A short file on one line is not a bundle worth skipping.
    expect(looksGenerated(minified(4 * 1024))).toBe(false);
  });
});

describe('checkFiles and generated files', () => {
  const bundle = join(root, 'bundle.js');
  const small = join(root, 'job.js');
  writeFileSync(bundle, `${minified(20 * 1024)}\nconst awsKey = '${SECRET}';\nMath.random();\n`);
  writeFileSync(small, 'Math.random();\n');

  it('runs only the secret check on a minified file and lists it in the summary', () => {
    const result = checkFiles([bundle, small], { cwd: root });
    expect(result.findings.map((f) => `${f.file} ${f.category}`)).toEqual(['bundle.js secret', 'job.js synthetic_data']);
    expect(result.summary.secretsOnly).toEqual(['bundle.js']);
    expect(result.summary.filesScanned).toBe(2);
  });

  it('runs every check on it with checkGenerated, and checkSource always does', () => {
    const result = checkFiles([bundle], { cwd: root, checkGenerated: true });
    expect(result.findings.map((f) => f.category)).toEqual(['secret', 'synthetic_data']);
    expect(result.summary.secretsOnly).toEqual([]);
    const code = `${minified(20 * 1024)}\nMath.random();\n`;
    expect(checkSource(bundle, code, { cwd: root }).map((f) => f.category)).toEqual(['synthetic_data']);
  });
});
