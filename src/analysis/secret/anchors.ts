import { AnchorIndex } from './anchor-index';
import { PROVIDER_NAMES } from './provider-names';
import { providerDetectors } from './providers';

// The words every finder waits for, found in one pass per text: provider anchors (exact case), key-name
// keywords and the markers of the special finders (any case). Finders ask for the offsets of their words
// instead of searching the text themselves.

/** Words that start a key-name search for `key = value` assignments. */
export const KEYWORDS: readonly string[] = ['pass', 'pwd', 'secret', 'token', 'credential', 'auth', 'bearer', 'key', 'login', ...PROVIDER_NAMES];
/** Markers of the special finders, matched in any case. */
export const MARKERS = { privateKey: 'private key', kind: 'kind:', curl: 'curl', authorization: 'authorization', url: '://', addKey: '<add', allowSecret: 'governance-allow-secret' } as const;

const exactWords = [...new Set(providerDetectors.flatMap((detector) => detector.anchors))];
const foldedWords = [...new Set([...KEYWORDS, ...Object.values(MARKERS)])];
const index = new AnchorIndex([
  ...exactWords.map((text) => ({ text, exact: true })),
  ...foldedWords.map((text) => ({ text, exact: false })),
]);

const exactIndex = new Map(exactWords.map((word, i) => [word, i]));
const foldedIndex = new Map(foldedWords.map((word, i) => [word, exactWords.length + i]));

export interface TextAnchors {
  /** Start offsets of a provider anchor (exact case). */
  exact(anchor: string): readonly number[];
  /** Start offsets of a keyword or marker (any case). */
  folded(word: string): readonly number[];
  /** Keyword occurrences in text order, as `[start, end)` ranges. */
  keywordRanges(): readonly { start: number; end: number }[];
}

let cachedText: string | undefined;
let cachedAnchors: TextAnchors | undefined;

/** The anchors of `text`; computed once for the last text asked for, which all rules scanning it share. */
export function anchorsOf(text: string): TextAnchors {
  if (text !== cachedText || !cachedAnchors) {
    cachedAnchors = compute(text);
    cachedText = text;
  }
  return cachedAnchors;
}

function compute(text: string): TextAnchors {
  const starts = index.scan(text);
  const exact = (anchor: string): readonly number[] => starts[exactIndex.get(anchor) ?? -1] ?? [];
  const folded = (word: string): readonly number[] => starts[foldedIndex.get(word) ?? -1] ?? [];
  let ranges: { start: number; end: number }[] | undefined;
  return {
    exact,
    folded,
    keywordRanges() {
      ranges ??= KEYWORDS.flatMap((word) => folded(word).map((start) => ({ start, end: start + word.length }))).sort((a, b) => a.start - b.start || b.end - a.end);
      return ranges;
    },
  };
}
