import { shannonEntropy } from './entropy';
import { hasAscendingRun } from './placeholders';
import type { PatternDetector, SecretFinder, SecretSpan } from './types';

/** A token followed by one of these was partly masked (`xoxp-123-####`), not leaked. */
const MASK_CHARACTERS = '#*';
function isMasked(text: string, end: number): boolean {
  return end < text.length && MASK_CHARACTERS.includes(text[end]!);
}

const OBVIOUS_PLACEHOLDER = /x{4}|\*{3}|#{3}|\.{3}|your|here|<|>/i;

/** `xxxx`, `****`, `<token>`, `...` or too few distinct characters: not a real token even in a valid format. */
export function isObviousPlaceholder(secret: string): boolean {
  return OBVIOUS_PLACEHOLDER.test(secret) || new Set(secret).size < 6 || hasAscendingRun(secret, 16);
}

/** Turns a provider-format detector into a finder: anchor prefilter, pattern, then the secret checks. */
export function patternFinder(detector: PatternDetector): SecretFinder {
  return {
    id: detector.id,
    label: detector.label,
    find(text: string): SecretSpan[] {
      if (!detector.anchors.some((anchor) => text.includes(anchor))) return [];
      const spans: SecretSpan[] = [];
      const pattern = new RegExp(detector.pattern);
      for (const match of text.matchAll(pattern)) {
        const secret = match[1] ?? match[0];
        const start = match.index + (match[1] === undefined ? 0 : match[0].indexOf(secret));
        if (isObviousPlaceholder(secret) || isMasked(text, start + secret.length)) continue;
        if (detector.minEntropy !== undefined && shannonEntropy(secret) < detector.minEntropy) continue;
        if (detector.accept && !detector.accept(secret)) continue;
        spans.push({ start, end: start + secret.length, secret });
      }
      return spans;
    },
  };
}
