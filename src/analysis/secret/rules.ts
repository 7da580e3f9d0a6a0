import type { RuleMeta, TextRule } from '../types';
import { secretFinders } from './finders';
import { maskSecret } from './mask';
import { lineIndexOf } from './positions';
import type { SecretFinder } from './types';

const MESSAGES = { found: 'Hard-coded {{label}}: {{masked}}' } as const;

function ruleOf(finder: SecretFinder): TextRule {
  const meta: RuleMeta = {
    id: `secret/${finder.id}`,
    check: 'secret',
    docs: { description: `Reports a hard-coded ${finder.label}.` },
    severity: 'error',
    messages: MESSAGES,
  };
  return {
    meta,
    scan(text, report) {
      const spans = finder.find(text);
      if (spans.length === 0) return;
      const index = lineIndexOf(text);
      for (const span of spans) {
        report({
          messageId: 'found',
          data: { label: finder.label, masked: maskSecret(span.secret) },
          start: index.position(span.start),
          end: index.position(span.end),
        });
      }
    },
  };
}

/** All secret rules, most specific first. */
export const secretRules: readonly TextRule[] = secretFinders.map(ruleOf);

/** Key store files (PKCS#12) hold private keys whatever their content; reported by file name. */
export const keyStoreFileRule: RuleMeta = {
  id: 'secret/pkcs12-file',
  check: 'secret',
  docs: { description: 'Reports a PKCS#12 key store (.p12, .pfx) committed to the repository.' },
  severity: 'error',
  messages: { found: 'PKCS#12 key store file: private keys must not be committed' },
};

export function isKeyStoreFile(file: string): boolean {
  return /\.(?:p12|pfx)$/i.test(file);
}
