import { classifyKey } from './key-names';
import { anchorsOf, MARKERS } from './anchors';
import { isReference } from './placeholders';
import type { SecretFinder, SecretSpan } from './types';

// .NET-style settings: `<add key="ClearTextPassword" value="..." />` in NuGet.config, web.config, app.config.

const ADD_KEY_VALUE = /<add\s+key\s*=\s*["']([^"']{1,100})["']\s+value\s*=\s*["']([^"']{1,500})["']/gi;

export const xmlSettingFinder: SecretFinder = {
  id: 'config-setting-password',
  label: 'password in an <add key="..." value="..."> setting',
  find(text: string): SecretSpan[] {
    if (anchorsOf(text).folded(MARKERS.addKey).length === 0) return [];
    const spans: SecretSpan[] = [];
    for (const match of text.matchAll(ADD_KEY_VALUE)) {
      const value = match[2]!;
      if (classifyKey(match[1]!) === 'other' || classifyKey(match[1]!) === 'identifier' || isReference(value) || value.length < 6) continue;
      const start = match.index + match[0].lastIndexOf(value);
      spans.push({ start, end: start + value.length, secret: value });
    }
    return spans;
  },
};
