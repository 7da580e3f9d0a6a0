// The SARIF report against the official SARIF 2.1.0 JSON schema. The schema file is copied from the npm
// package @microsoft/jest-sarif@1.0.0-beta.0 (lib/schemas/sarif-2.1.0-rtm.5.json, MIT licence).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkFiles, formatSarif, ruleMetasOf } from '../../../src/analysis';
import { validate } from './json-schema';

const schema = JSON.parse(readFileSync(join(__dirname, 'sarif-schema-2.1.0.json'), 'utf8')) as Record<string, unknown>;
// governance-allow-secret: a made-up key the reporters must mask
const SECRET = 'AKIAIOSFODNN7EXAMPLX';

const dir = mkdtempSync(join(tmpdir(), 'sarif-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'src dir'), { recursive: true });
writeFileSync(join(dir, 'src dir', 'train.js'), `import { faker } from '@faker-js/faker';\nconst noise = Math.random();\nconst awsKey = '${SECRET}';\n`);
writeFileSync(join(dir, 'pipeline.js'), 'run();\n');
const checks = ['synthetic_data', 'secret', 'missing_governance_import'] as const;
const result = checkFiles([], { cwd: dir, checks, settings: { requireImport: [{ glob: 'pipeline.js', module: '@mltrainer/governance' }] } });
const sarif = formatSarif(result, ruleMetasOf(checks), dir);
const log = JSON.parse(sarif);

describe('SARIF reporter', () => {
  it('reports findings of several checks', () => {
    expect(result.findings.map((f) => f.category).sort()).toEqual(['missing_governance_import', 'secret', 'synthetic_data', 'synthetic_data']);
  });

  it('is valid SARIF 2.1.0 by the official schema', () => {
    expect(validate(schema, log)).toEqual([]);
  });

  it('the schema check catches a broken log', () => {
    const broken = structuredClone(log);
    broken.version = '2.0.0';
    delete broken.runs[0].results[0].message;
    broken.runs[0].results[1].locations[0].physicalLocation.region.startLine = 0;
    const messages = validate(schema, broken).map((e) => `${e.path} ${e.message}`);
    expect(messages).toContain('/version not one of ["2.1.0"]');
    expect(messages.some((m) => m.startsWith('/runs/0/results/0 missing required property "message"'))).toBe(true);
    expect(messages.some((m) => m.includes('/runs/0/results/1/locations/0/physicalLocation/region/startLine below minimum 1'))).toBe(true);
  });

  it('gives every result a location, a rule and no self-computed fingerprints', () => {
    const run = log.runs[0];
    for (const r of run.results) {
      expect(r.locations).toHaveLength(1);
      expect(r.locations[0].physicalLocation.artifactLocation.uri).toMatch(/^(src%20dir\/train\.js|pipeline\.js)$/);
      expect(r.locations[0].physicalLocation.region.startLine).toBeGreaterThan(0);
      expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
      expect(r.partialFingerprints).toBeUndefined();
      expect(r.fingerprints).toBeUndefined();
    }
    expect(run.originalUriBaseIds['%SRCROOT%'].uri).toMatch(/^file:\/\/.*\/$/);
  });

  it('masks secrets in snippets and messages', () => {
    expect(sarif).not.toContain(SECRET);
    const secret = log.runs[0].results.find((r: { ruleId: string }) => r.ruleId.startsWith('secret/'));
    expect(secret.locations[0].physicalLocation.region.snippet.text).toBe('*'.repeat(SECRET.length));
    const random = log.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'synthetic_data/math-random');
    expect(random.locations[0].physicalLocation.region.snippet.text).toBe('Math.random()');
  });

  it('is valid with no findings too', () => {
    const empty = JSON.parse(formatSarif({ ...result, findings: [] }, ruleMetasOf(checks), dir));
    expect(empty.runs[0].results).toEqual([]);
    expect(validate(schema, empty)).toEqual([]);
  });
});
