import { isPlaceholder, isReference } from './placeholders';
import type { SecretFinder, SecretSpan } from './types';

// Credentials in URLs and connection strings: `postgres://user:password@host/db`,
// `https://user:token@gems.example.com`, `mongodb+srv://app:pw@cluster`.

const URL_CREDENTIALS = /[a-z][a-z0-9+.-]{1,20}:\/\/([^\s:@/'"`<>{}]{0,100}):([^\s:@/'"`<>{}]{3,200})@[A-Za-z0-9.-]+/gi;

export const connectionStringFinder: SecretFinder = {
  id: 'connection-string',
  label: 'password in a connection string or URL',
  find(text: string): SecretSpan[] {
    if (!text.includes('://')) return [];
    const spans: SecretSpan[] = [];
    for (const match of text.matchAll(URL_CREDENTIALS)) {
      const password = match[2]!;
      if (isReference(password) || isPlaceholder(password) || password.includes('$')) continue;
      const start = match.index + match[0].indexOf(':' + password + '@') + 1;
      spans.push({ start, end: start + password.length, secret: password });
    }
    return spans;
  },
};
