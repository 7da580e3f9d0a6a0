import { anchorsOf, MARKERS } from './anchors';
import { isPlaceholder, isReference } from './placeholders';
import type { SecretFinder, SecretSpan } from './types';
import { looksLikeSecret } from './value-shape';

// Credentials passed over HTTP in commands and code: `Authorization: Bearer <token>` headers,
// `curl -H "X-Api-Key: <key>"` and `curl -u user:password`.

const AUTHORIZATION = /Authorization["']?[ \t]{0,10}[:=,][ \t]{0,10}["']?[ \t]{0,10}(?:(?:Bearer|Basic|Token|Digest|Api-Token|Key)[ \t]{1,10})?([A-Za-z0-9._~+/=:@!#$%^&*-]{8,1000})/iy;
const CURL_HEADER = /(?:-H|--header)[ \t]{1,10}["']([\w-]{0,60}?(?:api-?key|token|secret|auth)[\w-]{0,60})[ \t]{0,10}:[ \t]{0,10}([^\s"']{6,1000})["']/gi;
const CURL_USER = /(?:\s|^)(?:-u|--user)[ \t=]{1,10}(["']?[^\s"':]{0,200}["']?:["']?[^\s"']{0,200})/g;

const TOKEN_SHAPE = { minLength: 8, minEntropy: 3 };
const PASSWORD_SHAPE = { minLength: 6, minEntropy: 2.5 };

const MAX_COMMAND = 4000;

function spanOf(match: RegExpMatchArray, secret: string, offset = 0): SecretSpan {
  const start = offset + match.index! + match[0].lastIndexOf(secret);
  return { start, end: start + secret.length, secret };
}

/** The curl commands of `text`: from each `curl` to the first line end not continued by `\`. */
function curlCommands(text: string): { start: number; command: string }[] {
  const commands: { start: number; command: string }[] = [];
  let coveredTo = -1;
  for (const start of anchorsOf(text).folded(MARKERS.curl)) {
    if (start < coveredTo) continue;
    let end = text.indexOf('\n', start);
    while (end !== -1 && end - start < MAX_COMMAND && /\\\r?$/.test(text.slice(Math.max(start, end - 2), end))) end = text.indexOf('\n', end + 1);
    end = end === -1 ? text.length : Math.min(end, start + MAX_COMMAND);
    commands.push({ start, command: text.slice(start, end) });
    coveredTo = end;
  }
  return commands;
}

export const authorizationHeaderFinder: SecretFinder = {
  id: 'authorization-header',
  label: 'credential in an HTTP authorization header',
  find(text: string): SecretSpan[] {
    const anchors = anchorsOf(text);
    const spans: SecretSpan[] = [];
    for (const start of anchors.folded(MARKERS.authorization)) {
      AUTHORIZATION.lastIndex = start;
      const match = AUTHORIZATION.exec(text);
      if (!match) continue;
      const value = match[1]!;
      if (looksLikeSecret(value, TOKEN_SHAPE) || isBasicCredential(value)) spans.push(spanOf(match, value));
    }
    for (const { start, command } of curlCommands(text)) {
      for (const match of command.matchAll(CURL_HEADER)) {
        const value = match[2]!;
        if (!/^authorization$/i.test(match[1]!) && looksLikeSecret(value, TOKEN_SHAPE)) spans.push(spanOf(match, value, start));
      }
    }
    return spans;
  },
};

/** A base64 `user:password` pair as sent with `Authorization: Basic`. */
function isBasicCredential(value: string): boolean {
  if (!/^[A-Za-z0-9+/]{8,}={0,2}$/.test(value)) return false;
  const decoded = Buffer.from(value, 'base64').toString('latin1');
  return /^[\x20-\x7e]+:[\x20-\x7e]*$/.test(decoded);
}

export const curlCredentialsFinder: SecretFinder = {
  id: 'curl-user-password',
  label: 'password passed to curl with -u/--user',
  find(text: string): SecretSpan[] {
    const spans: SecretSpan[] = [];
    for (const { start, command } of curlCommands(text)) {
      spans.push(...curlUserPasswords(command, start));
    }
    return spans;
  },
};

function curlUserPasswords(command: string, offset: number): SecretSpan[] {
  const spans: SecretSpan[] = [];
  for (const match of command.matchAll(CURL_USER)) {
    const pair = match[1]!.replace(/["']/g, '');
    const colon = pair.indexOf(':');
    const user = pair.slice(0, colon);
    const password = pair.slice(colon + 1);
    const secret = password === '' ? user : password;
    const bare = secret.replace(/^\{(.*)\}$/, '$1');
    if (/[<>]/.test(pair) || isReference(secret) || /\$[{(A-Za-z_]/.test(secret) || isPlaceholder(bare)) continue;
    if (!looksLikeSecret(bare, PASSWORD_SHAPE)) continue;
    spans.push(spanOf(match, secret, offset));
  }
  return spans;
}
