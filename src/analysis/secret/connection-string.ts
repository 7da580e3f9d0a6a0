import { anchorsOf, MARKERS } from './anchors';
import { isPlaceholder, isReference } from './placeholders';
import type { SecretFinder, SecretSpan } from './types';

// Credentials in URLs and connection strings: `postgres://user:password@host/db`,
// `https://user:token@gems.example.com`, `mongodb+srv://app:pw@cluster`.

const URL_CREDENTIALS = /[a-z][a-z0-9+.-]{1,20}:\/\/([^\s:@/'"`<>{}]{0,100}):([^\s:@/'"`<>{}]{3,200})@[A-Za-z0-9.-]+/iy;
const SCHEME_CHAR = /[A-Za-z0-9+.-]/;

/** Offset where the URL scheme before the `://` at `separator` starts. */
function schemeStart(text: string, separator: number): number {
  let start = separator;
  while (start > 0 && separator - start < 21 && SCHEME_CHAR.test(text[start - 1]!)) start--;
  return start;
}

export const connectionStringFinder: SecretFinder = {
  id: 'connection-string',
  label: 'password in a connection string or URL',
  find(text: string): SecretSpan[] {
    const spans: SecretSpan[] = [];
    for (const separator of anchorsOf(text).folded(MARKERS.url)) {
      URL_CREDENTIALS.lastIndex = schemeStart(text, separator);
      const match = URL_CREDENTIALS.exec(text);
      if (!match) continue;
      const password = match[2]!;
      if (isReference(password) || isPlaceholder(password) || password.includes('$')) continue;
      const start = match.index + match[0].indexOf(':' + password + '@') + 1;
      spans.push({ start, end: start + password.length, secret: password });
    }
    return spans;
  },
};
