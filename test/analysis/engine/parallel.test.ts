// checkFilesInParallel: worker threads give the same result as checkFiles on one thread. The threads run the
// compiled checker, so this test loads it from dist/ (`npm run build` first, as `npm test` does).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../../src/analysis';
import { scratchFiles } from '../../helpers/scratch-files';

const DIST = resolve(__dirname, '..', '..', '..', 'dist', 'src', 'analysis');
if (!existsSync(join(DIST, 'engine', 'check-worker.js'))) throw new Error(`${DIST} is not built: run npm run build first`);
const { checkFiles, checkFilesInParallel } = require(DIST) as typeof import('../../../src/analysis');

// governance-allow-secret: a made-up key
const SECRET = 'AKIAIOSFODNN7EXAMPLX';
const { root, write } = scratchFiles('parallel-');

/** 120 files with findings of every AST check and of secrets, spread over the run. */
function project(): void {
  write('lib/shapes.js', 'export class Shape { area() { return 0; } }\nexport const named = 1;\n');
  for (let i = 0; i < 120; i++) {
    const kind = i % 4;
    if (kind === 0) write(`src/f${i}.js`, `export const v${i} = Math.random();\n`);
    else if (kind === 1) write(`src/f${i}.js`, `import { missing${i} } from '../lib/shapes.js';\nexport default missing${i};\n`);
    else if (kind === 2) write(`src/f${i}.js`, `import { Shape } from '../lib/shapes.js';\nnew Shape().volume${i}();\n`);
    else write(`src/f${i}.js`, `export const awsKey${i} = '${SECRET}';\n`);
  }
}

function comparable(result: CheckResult): unknown {
  return { findings: result.findings, summary: { ...result.summary, durationMs: 0 }, sources: [...result.sources] };
}

describe('checkFilesInParallel', () => {
  project();

  it('reports exactly what checkFiles reports, in the same order', async () => {
    const options = { cwd: root, settings: { requireImport: [{ glob: 'src/f1*.js', module: '@mltrainer/governance' }] } };
    const single = checkFiles(['src', 'lib'], options);
    const threaded = await checkFilesInParallel(['src', 'lib'], options, 3);
    expect(single.findings.length).toBeGreaterThan(120);
    expect(new Set(single.findings.map((f) => f.category)).size).toBe(5);
    expect(comparable(threaded)).toEqual(comparable(single));
  });

  it('agrees with checkFiles on real code (this repository\'s src/)', async () => {
    const cwd = resolve(__dirname, '..', '..', '..');
    const single = checkFiles(['src'], { cwd });
    const threaded = await checkFilesInParallel(['src'], { cwd }, 2);
    expect(single.summary.filesScanned).toBeGreaterThan(100);
    expect(comparable(threaded)).toEqual(comparable(single));
  });

  it('rejects bad options before starting threads', async () => {
    await expect(checkFilesInParallel(['src'], { cwd: root, checks: ['nonsense' as never] }, 2)).rejects.toThrow(/unknown check "nonsense"/);
  });
});
