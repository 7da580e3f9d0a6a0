// Classifies the name a value is assigned to: does it name a secret (`apiKey`, `DB_PASSWORD`,
// `client_secret`, `sumoToken`) or something else that merely mentions one (`tokenUrl`, `public_key`,
// `keyFrame`, `secret_length`, `credentialsId`)?

/** Words that name a secret when a key name ends with them. */
const SECRET_WORDS = ['password', 'passwd', 'passphrase', 'pwd', 'secret', 'token', 'credential', 'credentials', 'auth', 'bearer', 'apikey', 'login'];
/** `key` names a secret only after one of these (`apiKey`, `secret_key`, `PRIVATE_KEY`, `accesskey`). */
const KEY_QUALIFIERS = ['api', 'secret', 'access', 'private', 'auth', 'encryption', 'encrypt', 'signing', 'sign', 'master', 'client', 'app', 'consumer', 'license', 'licence', 'service', 'account', 'admin', 'session', 'hmac', 'shared', 'write', 'read', 'ingest', 'insert', 'integration', 'personal', 'user', 'deploy', 'root', 'server', 'webhook', 'global', 'management', 'subscription', 'x-api'];
/** A key name with one of these parts names something public or structural, not a secret. */
const NOT_SECRET_PARTS = new Set(['public', 'pub', 'publishable', 'primary', 'foreign', 'csrf', 'xsrf', 'sort', 'partition', 'cache', 'i18n', 'translation', 'lang', 'hash', 'checksum']);
/** A key name ending with one of these names metadata about a secret, not the secret. */
const METADATA_SUFFIXES = new Set(['url', 'uri', 'urls', 'endpoint', 'path', 'file', 'files', 'dir', 'name', 'names', 'length', 'len', 'size', 'type', 'types', 'count', 'prefix', 'format', 'field', 'fields', 'header', 'label', 'version', 'mode', 'alg', 'algorithm', 'method', 'expiry', 'expires', 'expiration', 'ttl', 'timeout', 'ids', 'index', 'policy', 'rule', 'rules', 'regex', 'pattern', 'enabled', 'required', 'hint', 'storage', 'provider', 'manager', 'helper', 'error', 'errors', 'message', 'input', 'validator', 'strength', 'min', 'max', 'reset', 'changed', 'location', 'env', 'var', 'variable', 'keys', 'ref', 'reference', 'selector', 'event', 'state', 'status', 'usage', 'param', 'placeholder', 'description']);

/** Splits `sumo_TOKEN`, `apiKey`, `AUTH-CLIENTSECRET`, `a.b.c` into lower-case parts. */
export function keyParts(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((part) => part.length > 0);
}

/** How strongly a key name says its value is a secret. */
export type KeyKind = 'password' | 'secret' | 'identifier' | 'other';

export function classifyKey(key: string): KeyKind {
  const parts = keyParts(key);
  if (parts.length === 0 || parts.some((part) => NOT_SECRET_PARTS.has(part))) return 'other';
  while (parts.length > 1 && /^\d+$/.test(parts[parts.length - 1]!)) parts.pop();
  const last = parts[parts.length - 1]!.replace(/(?<=[a-z])\d+$/, '');
  if (METADATA_SUFFIXES.has(last)) return 'other';
  const previous = parts.length > 1 ? parts[parts.length - 2]! : '';
  if (last === 'pass' || /(?:password|passwd|passphrase|pwd)$/.test(last)) return 'password';
  if (namesSecretKey(last, previous)) return 'secret';
  if ((SECRET_WORDS.some((word) => last.endsWith(word)) && !/^(?:csrf|xsrf)/.test(last))) return 'secret';
  if ((last === 'id' || last === 'key') && parts.length > 1) return 'identifier';
  if (last.endsWith('id') && KEY_QUALIFIERS.includes(last.slice(0, -2))) return 'identifier';
  return 'other';
}

/** `apikey`, `secretkey`, `api key`, `secret key`, `private key`; not a lone `key`, which code uses everywhere. */
function namesSecretKey(last: string, previous: string): boolean {
  if (!last.endsWith('key') || last === 'monkey' || last === 'hotkey') return false;
  if (last === 'key') return KEY_QUALIFIERS.includes(previous) || SECRET_WORDS.includes(previous);
  const head = last.slice(0, -3);
  return KEY_QUALIFIERS.includes(head) || SECRET_WORDS.includes(head);
}
