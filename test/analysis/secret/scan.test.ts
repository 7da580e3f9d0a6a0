import { describe, expect, it } from 'vitest';
import { isTextFile, maskSecret, scanSecrets, secretRules } from '../../../src/analysis/secret/index';
import { AnchorIndex } from '../../../src/analysis/secret/anchor-index';
import { ALNUM, join, randomString } from './fake-secrets';

const token = join('gh', 'p_', randomString(ALNUM, 36, 300));

describe('scanSecrets', () => {
  it('reports file, position, rule, category and severity', () => {
    const findings = scanSecrets(`# config\nGH_TOKEN=${token}\n`, 'ci/.env');
    expect(findings).toEqual([
      {
        rule: 'secret/github-token',
        category: 'secret',
        file: 'ci/.env',
        line: 2,
        column: 10,
        endLine: 2,
        endColumn: 10 + token.length,
        message: expect.stringContaining('GitHub token'),
        severity: 'error',
      },
    ]);
  });

  it('never puts the secret in a message, only a masked form', () => {
    const [finding] = scanSecrets(`GH_TOKEN=${token}`, '.env');
    expect(finding!.message).not.toContain(token);
    expect(finding!.message).not.toContain(token.slice(4, -4));
    expect(finding!.message).toContain(maskSecret(token));
  });

  it('masks all but the ends of a secret', () => {
    expect(maskSecret('AKIAIOSFODNN7EXAMPLE')).toBe('AKIA************MPLE');
    expect(maskSecret('Sup3r-S3cret!')).toBe('Su*********t!');
    expect(maskSecret('abcdefgh')).toBe('********');
    expect(maskSecret('x'.repeat(100))).toBe(`xxxx${'*'.repeat(32)}xxxx`);
  });

  it('honours governance-allow-secret on the same line or the line before', () => {
    expect(scanSecrets(`GH_TOKEN=${token} # governance-allow-secret: test fixture`, '.env')).toEqual([]);
    expect(scanSecrets(`// governance-allow-secret: rotated, kept for the replay test\nconst t = "${token}";`, 'a.js')).toEqual([]);
    const twoLinesBelow = scanSecrets(`// governance-allow-secret\n\nconst t = "${token}";`, 'a.js');
    expect(twoLinesBelow.map((f) => f.line)).toEqual([3]);
  });

  it('keeps only the most specific of overlapping findings', () => {
    const findings = scanSecrets(`api_token = "${token}"`, 'a.py');
    expect(findings.map((f) => f.rule)).toEqual(['secret/github-token']);
  });

  it('finds nothing in ordinary code', () => {
    const code = [
      "import { readFile } from 'node:fs/promises';",
      'export async function load(key: string, token?: string) {',
      '  const password = await prompt("Password: ");',
      '  const apiKey = process.env.API_KEY ?? config.apiKey;',
      '  if (token === undefined) throw new Error("missing token");',
      '  return readFile(`${key}.json`, "utf8");',
      '}',
    ].join('\n');
    expect(scanSecrets(code, 'src/load.ts')).toEqual([]);
  });
});

describe('secretRules', () => {
  it('has unique secret/ ids, metadata and a message for every rule', () => {
    const ids = secretRules.map((rule) => rule.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of secretRules) {
      expect(rule.meta.id).toMatch(/^secret\/[a-z0-9-]+$/);
      expect(rule.meta.check).toBe('secret');
      expect(rule.meta.docs.description.length).toBeGreaterThan(10);
      expect(rule.meta.messages['found']).toContain('{{masked}}');
    }
  });

  it('reports start and end positions through the TextRule interface', () => {
    const rule = secretRules.find((r) => r.meta.id === 'secret/github-token')!;
    const reports: unknown[] = [];
    rule.scan(`x\n  "${token}"`, (report) => reports.push(report));
    expect(reports).toEqual([
      { messageId: 'found', data: { label: 'GitHub token', masked: maskSecret(token) }, start: { line: 2, column: 4 }, end: { line: 2, column: 4 + token.length } },
    ]);
  });
});

describe('isTextFile', () => {
  it('accepts source and config text', () => {
    expect(isTextFile('app/.env', Buffer.from('A=1\nB=2\n'))).toBe(true);
    expect(isTextFile('Dockerfile', Buffer.from('FROM node:20\n'))).toBe(true);
    expect(isTextFile('notes.md', Buffer.from('Grüße, 東京\n', 'utf8'))).toBe(true);
  });

  it('rejects binary content and binary file types', () => {
    expect(isTextFile('data.bin', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]))).toBe(false);
    expect(isTextFile('blob', Buffer.from([1, 2, 3, 4, 5, 6, 65, 66]))).toBe(false);
    expect(isTextFile('model.onnx', Buffer.from('looks like text'))).toBe(false);
  });
});

describe('AnchorIndex', () => {
  it('finds every occurrence of every word, overlapping ones included', () => {
    const index = new AnchorIndex([
      { text: 'he', exact: false },
      { text: 'she', exact: false },
      { text: 'hers', exact: false },
      { text: 'SK', exact: true },
    ]);
    expect(index.scan('ushers SK sk HE')).toEqual([[2, 13], [1], [2], [7]]);
  });
});

describe('worst-case input', () => {
  // Inputs built to trip backtracking regexes: every detector must stay linear in the text length.
  const size = 100_000;
  const adversarial: [string, string][] = [
    ['repeated JWT prefixes', 'eyJ'.repeat(size / 3)],
    ['repeated keys with values', 'token='.repeat(size / 6)],
    ['a long token-character run', 'a'.repeat(size)],
    ['digits and pipes', `${'1'.repeat(16)}|`.repeat(size / 17)],
    ['unterminated private key headers', '-----BEGIN PRIVATE KEY-----\n'.repeat(size / 28)],
    ['whitespace after a header name', `Authorization:${' '.repeat(size)}`],
    ['repeated URL credentials', 'http://a:'.repeat(size / 9)],
    ['repeated Azure markers', '8Q~'.repeat(size / 3)],
  ];

  it.each(adversarial)('scans %s in linear time', (_, text) => {
    const started = performance.now();
    scanSecrets(text, 'input.txt');
    expect(performance.now() - started).toBeLessThan(3000);
  });
});
