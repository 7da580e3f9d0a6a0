import { anchorsOf, MARKERS } from './anchors';

/** The marker that allows a secret on its own line or on the next line. */
export const ALLOW_MARKER = MARKERS.allowSecret;

/** 1-based numbers of the lines on which a finding is allowed by a `governance-allow-secret` comment. */
export function allowedLines(text: string): Set<number> {
  const lines = new Set<number>();
  let line = 1;
  let from = 0;
  for (const at of anchorsOf(text).folded(ALLOW_MARKER)) {
    for (let newline = text.indexOf('\n', from); newline !== -1 && newline < at; newline = text.indexOf('\n', newline + 1)) {
      line++;
      from = newline + 1;
    }
    lines.add(line);
    lines.add(line + 1);
  }
  return lines;
}
