import { anchorsOf } from './anchors';
import { shannonEntropy } from './entropy';
import { hasAscendingRun } from './placeholders';
import type { PatternDetector, SecretFinder, SecretSpan } from './types';

/** A token followed by one of these was partly masked (`xoxp-123-####`), not leaked. */
const MASK_CHARACTERS = '#*';
const OBVIOUS_PLACEHOLDER = /x{4}|\*{3}|#{3}|\.{3}|your|here|<|>/i;
/** How far before an anchor the token holding it may start (`1234567890123456|...`: 16 digits). */
const MAX_LOOKBACK = 100;

/** Characters a token may hold before its anchor (`1234567890123456|...`, `abc8Q~...`, `pubkey-...`). */
function isTokenChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 || code === 46 || code === 126 || code === 45;
}

/** `xxxx`, `****`, `<token>`, `...` or too few distinct characters: not a real token even in a valid format. */
function isObviousPlaceholder(secret: string): boolean {
  return OBVIOUS_PLACEHOLDER.test(secret) || new Set(secret).size < 6 || hasAscendingRun(secret, 16);
}

function isMasked(text: string, end: number): boolean {
  return end < text.length && MASK_CHARACTERS.includes(text[end]!);
}

/** Where the token holding the anchor at `anchorStart` may begin. */
function tokenStart(text: string, anchorStart: number): number {
  let start = anchorStart;
  while (start > 0 && anchorStart - start < MAX_LOOKBACK && isTokenChar(text.charCodeAt(start - 1))) start--;
  return start;
}

function accepted(detector: PatternDetector, text: string, secret: string, end: number): boolean {
  if (isObviousPlaceholder(secret) || isMasked(text, end)) return false;
  if (detector.minEntropy !== undefined && shannonEntropy(secret) < detector.minEntropy) return false;
  return detector.accept === undefined || detector.accept(secret);
}

/**
 * Turns a provider-format detector into a finder: its pattern is tried (sticky) only where one of its anchors
 * occurs (see anchors.ts) and at the start of the token holding that anchor.
 */
export function patternFinder(detector: PatternDetector): SecretFinder {
    const sticky = new RegExp(detector.pattern.source, 'y');
    return {
      id: detector.id,
      label: detector.label,
      find(text: string): SecretSpan[] {
        const anchors = anchorsOf(text);
        const spans: SecretSpan[] = [];
        const seen = new Set<number>();
        const tried = new Set<number>();
        for (const anchor of detector.anchors) {
          for (const anchorStart of anchors.exact(anchor)) {
            for (const at of [anchorStart, tokenStart(text, anchorStart)]) {
              if (tried.has(at)) continue;
              tried.add(at);
              sticky.lastIndex = at;
              const match = sticky.exec(text);
              if (!match || seen.has(match.index)) continue;
              seen.add(match.index);
              const secret = match[1] ?? match[0];
              const start = match.index + match[0].indexOf(secret);
              if (accepted(detector, text, secret, start + secret.length)) spans.push({ start, end: start + secret.length, secret });
            }
          }
        }
        return spans;
      },
    };
}
