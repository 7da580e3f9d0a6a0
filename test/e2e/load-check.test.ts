// Load-time checking (analysis.atLoad): user modules are checked as they load; findings are decided
// and audited like any other action, and results are cached by content hash.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProject, governedRun } from '../helpers/governed-run';

const files = {
  'app.cjs': `
const fs = require('node:fs');
try {
  require('./gen.cjs');
} catch (error) {
  console.log(JSON.stringify({ code: error.code, violation: error.violation }));
}
try {
  require('./engine.cjs');
  console.log('engine loaded');
} catch (error) {
  console.log(JSON.stringify({ code: error.code, violation: error.violation }));
}
`,
  'gen.cjs': `
require('node:fs').writeFileSync(__dirname + '/gen-ran', '1');
module.exports = Array.from({ length: 3 }, () => Math.random());
`,
  'engine.cjs': `
class Engine { run() { return 1; } }
if (process.env.NEVER_SET) new Engine().getVolatility();
module.exports = Engine;
`,
  'clean.mjs': `import { readFileSync } from 'node:fs'; console.log(readFileSync.name);`,
  'fake.mjs': `import { notThere } from './lib.mjs'; console.log(notThere);`,
  'lib.mjs': `export const there = 1;`,
};

const policy = (level: string) => ({
  level,
  default: 'allow',
  analysis: { atLoad: true },
});

describe('analysis.atLoad', () => {
  it('stops a module with synthetic data or a fake method call from running at production, and audits it', () => {
    const dir = createProject();
    const run = governedRun({ dir, mode: 'require', entry: 'app.cjs', policy: policy('production'), files });
    expect(run.stdout.trim().split('\n').map((l) => (l.startsWith('{') ? JSON.parse(l) : l))).toEqual([
      { code: 'EGOVDENIED', violation: 'synthetic_data' },
      { code: 'EGOVDENIED', violation: 'fake_method_call' },
    ]);
    expect(existsSync(join(dir, 'gen-ran'))).toBe(false);
    const denials = run.entries().filter((e) => e.decision === 'deny');
    expect(denials).toContainEqual(expect.objectContaining({ action: 'module_load', target: join(dir, 'gen.cjs'), violation: 'synthetic_data' }));
    expect(denials).toContainEqual(expect.objectContaining({ action: 'module_load', target: join(dir, 'engine.cjs'), violation: 'fake_method_call' }));
    expect(readdirSync(join(dir, '.governance', 'analysis-cache')).length).toBeGreaterThanOrEqual(3);

    // A second run answers from the cache and decides the same.
    const again = governedRun({ dir, mode: 'require', entry: 'app.cjs', policy: policy('production'), files });
    expect(again.stdout).toBe(run.stdout);
  });

  it('blocks an ESM module with a deceptive import, and lets a clean one run', () => {
    const dir = createProject();
    const fake = governedRun({ dir, mode: 'import', entry: 'fake.mjs', policy: policy('production'), files });
    expect(fake.status).not.toBe(0);
    expect(fake.stderr).toMatch(/EGOVDENIED|deceptive_import/);
    expect(fake.entries()).toContainEqual(expect.objectContaining({ decision: 'deny', violation: 'deceptive_import', target: join(dir, 'fake.mjs') }));
    const clean = governedRun({ dir, mode: 'import', entry: 'clean.mjs', policy: policy('production'), files });
    expect(clean.stdout.trim()).toBe('readFileSync');
    expect(clean.status).toBe(0);
  });

  it('records would_deny and runs the module in development', () => {
    const dir = createProject();
    const run = governedRun({ dir, mode: 'require', entry: 'app.cjs', policy: policy('development'), files });
    expect(run.stdout).toContain('engine loaded');
    expect(existsSync(join(dir, 'gen-ran'))).toBe(true);
    expect(run.entries()).toContainEqual(expect.objectContaining({ decision: 'would_deny', violation: 'synthetic_data' }));
  });
});
