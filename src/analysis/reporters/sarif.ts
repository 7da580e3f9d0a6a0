// SARIF 2.1.0 report for GitHub code scanning. Every result has a location; secret snippets are masked.
// No partialFingerprints are written: GitHub computes its own from the uploaded file.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CheckResult, Finding, RuleMeta } from '../types';
import { flaggedText, maskedLines } from './masked-source';

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const INFORMATION_URI = 'https://www.npmjs.com/package/@mltrainer/governance';

function packageVersion(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
    if (parsed.name === '@mltrainer/governance' && parsed.version) return parsed.version;
  }
  return '0.0.0';
}

function ruleDescriptor(meta: RuleMeta) {
  return {
    id: meta.id,
    name: meta.id.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase()),
    shortDescription: { text: meta.docs.description },
    fullDescription: { text: meta.docs.description },
    defaultConfiguration: { level: meta.severity },
    properties: { tags: ['governance', meta.check] },
  };
}

/** A relative path as a URI reference: `/` kept, everything else that URIs reserve escaped. */
function uriOf(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

function region(finding: Finding, lines: readonly string[]) {
  const snippet = flaggedText(lines, finding);
  return {
    startLine: finding.line,
    startColumn: finding.column,
    ...(finding.endLine !== undefined && finding.endColumn !== undefined ? { endLine: finding.endLine, endColumn: finding.endColumn } : {}),
    ...(snippet !== '' ? { snippet: { text: snippet } } : {}),
  };
}

/** `rules`: metadata of every rule that may appear in the findings (unknown ids get a minimal descriptor). */
export function formatSarif(result: CheckResult, rules: readonly RuleMeta[], cwd: string): string {
  const metas = new Map(rules.map((meta) => [meta.id, meta]));
  for (const finding of result.findings) {
    if (!metas.has(finding.rule)) {
      metas.set(finding.rule, { id: finding.rule, check: finding.category, docs: { description: finding.rule }, severity: finding.severity, messages: {} });
    }
  }
  const used = [...metas.values()].filter((meta) => result.findings.some((finding) => finding.rule === meta.id));
  const ruleIndex = new Map(used.map((meta, i) => [meta.id, i]));
  const linesByFile = new Map<string, string[]>();
  const results = result.findings.map((finding) => {
    let lines = linesByFile.get(finding.file);
    if (!lines) {
      lines = maskedLines(result.sources.get(finding.file) ?? '', result.findings.filter((f) => f.file === finding.file));
      linesByFile.set(finding.file, lines);
    }
    return {
      ruleId: finding.rule,
      ruleIndex: ruleIndex.get(finding.rule)!,
      level: finding.severity,
      message: { text: finding.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: uriOf(finding.file), uriBaseId: '%SRCROOT%' },
            region: region(finding, lines),
          },
        },
      ],
      properties: { category: finding.category },
    };
  });
  const log = {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'mltrainer-governance', version: packageVersion(), informationUri: INFORMATION_URI, rules: used.map(ruleDescriptor) } },
        originalUriBaseIds: { '%SRCROOT%': { uri: `${pathToFileURL(cwd).href.replace(/\/?$/, '/')}` } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2);
}
