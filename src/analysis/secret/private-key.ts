import { anchorsOf, MARKERS } from './anchors';
import type { SecretFinder, SecretSpan } from './types';

// PEM and PGP private keys: a `-----BEGIN ... PRIVATE KEY-----` header, a body of at least 64 base64
// characters, and the matching END line. Also works on keys embedded in JSON with `\n` escapes.

const HEADER = /-----BEGIN[ A-Z0-9_-]{0,40}PRIVATE KEY(?: BLOCK)?-----/g;
const MAX_KEY_LENGTH = 20_000;
const MIN_BODY_CHARACTERS = 64;

export const privateKeyFinder: SecretFinder = {
  id: 'private-key',
  label: 'private key',
  find(text: string): SecretSpan[] {
    if (anchorsOf(text).folded(MARKERS.privateKey).length === 0) return [];
    const spans: SecretSpan[] = [];
    let endMarker = -1;
    for (const header of text.matchAll(HEADER)) {
      const bodyStart = header.index + header[0].length;
      if (endMarker < bodyStart) endMarker = text.indexOf('-----END', bodyStart);
      if (endMarker === -1) break;
      if (endMarker - bodyStart > MAX_KEY_LENGTH) continue;
      const body = text.slice(bodyStart, endMarker);
      const base64Characters = body.replace(/\\n|[^A-Za-z0-9+/=]/g, '').length;
      if (base64Characters < MIN_BODY_CHARACTERS) continue;
      spans.push({ start: header.index, end: endMarker, secret: text.slice(header.index, endMarker) });
    }
    return spans;
  },
};
