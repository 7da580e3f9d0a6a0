// checkSource: the synchronous one-file check the runtime calls at load time.
import { describe, expect, it } from 'vitest';
import { CheckError, checkSource, createSourceChecker } from '../../src/analysis';

// governance-allow-secret: a made-up key
const SECRET = 'AKIAIOSFODNN7EXAMPLX';

describe('checkSource', () => {
  it('runs the AST checks and the secret check on one text, synchronously', () => {
    const code = `const awsKey = '${SECRET}';\nexport const x = Math.random();\n`;
    const findings = checkSource('/app/src/job.js', code, { cwd: '/app' });
    expect(findings.map((f) => `${f.file}:${f.line} ${f.category}`)).toEqual(['src/job.js:1 secret', 'src/job.js:2 synthetic_data']);
  });

  it('honours the checks and settings it is given', () => {
    const code = 'export const x = Math.random();\n';
    expect(checkSource('src/job.js', code, { cwd: '/app', checks: ['secret'] })).toEqual([]);
    expect(checkSource('src/job.js', code, { cwd: '/app', checks: ['synthetic_data'], settings: { exempt: ['src/**'] } })).toEqual([]);
    const missing = checkSource('jobs/a.js', code, { cwd: '/app', checks: ['missing_governance_import'], settings: { requireImport: [{ glob: 'jobs/**', module: '@mltrainer/governance' }] } });
    expect(missing.map((f) => f.rule)).toEqual(['missing_governance_import/required-import']);
  });

  it('returns no AST findings for text it cannot parse, and still finds secrets', () => {
    const findings = checkSource('src/broken.js', `const = ;\nconst awsKey = '${SECRET}';\n`, { cwd: '/app' });
    expect(findings.map((f) => f.category)).toEqual(['secret']);
  });

  it('createSourceChecker checks file after file with one set-up', () => {
    const check = createSourceChecker({ cwd: '/app', checks: ['synthetic_data'] });
    expect(check('a.js', 'Math.random();').map((f) => `${f.file}:${f.rule}`)).toEqual(['a.js:synthetic_data/math-random']);
    expect(check('b.js', 'const ok = 1;')).toEqual([]);
  });

  it('rejects an unknown check', () => {
    expect(() => checkSource('a.js', '', { checks: ['nonsense' as never] })).toThrow(CheckError);
  });
});
