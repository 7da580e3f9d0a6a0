import { describe, expect, it } from 'vitest';
import { scanSecrets } from '../../../src/analysis/secret/index';
import { ALNUM, randomString } from './fake-secrets';

const value = randomString(ALNUM, 32, 101);
const shortPassword = 'Tr0ub4dor&3x'; // governance-allow-secret: test fixture

function flagged(text: string, file = 'settings.txt'): boolean {
  return scanSecrets(text, file).length > 0;
}

// The same secret written in the syntaxes of the file types the check reads.
const syntaxes: { name: string; text: string; file: string }[] = [
  { name: '.env', text: `API_TOKEN=${value}`, file: '.env' },
  { name: 'shell export', text: `export DB_PASSWORD="${shortPassword}"`, file: 'run.sh' },
  { name: 'YAML', text: `auth:\n  client_secret: ${value}`, file: 'app.yaml' },
  { name: 'JSON', text: `{\n  "apiKey": "${value}"\n}`, file: 'config.json' },
  { name: 'INI', text: `[db]\npassword = ${shortPassword}`, file: 'db.ini' },
  { name: 'TOML', text: `[service]\naccess_token = "${value}"`, file: 'Cargo.toml' },
  { name: 'Python', text: `SECRET_KEY = '${value}'`, file: 'settings.py' },
  { name: 'Go', text: `var authToken string = "${value}"`, file: 'main.go' },
  { name: 'Go short declaration', text: `authToken := \`${value}\``, file: 'main.go' },
  { name: 'Java', text: `private static final String API_SECRET = "${value}";`, file: 'App.java' },
  { name: 'Java property', text: `System.setProperty("SERVICE_TOKEN", "${value}");`, file: 'App.java' },
  { name: 'PHP', text: `$config = array("secret_key" => "${value}");`, file: 'config.php' },
  { name: 'XML element', text: `<accessToken>\n    ${value}\n</accessToken>`, file: 'settings.xml' },
  { name: 'Dockerfile', text: `ENV REGISTRY_PASSWORD=${shortPassword}`, file: 'Dockerfile' },
  { name: 'Makefile', text: `DEPLOY_TOKEN ?= "${value}"`, file: 'Makefile' },
  { name: 'command-line flag', text: `deploy --api-token=${value}`, file: 'deploy.sh' },
  { name: 'service named key', text: `cloudflare: "${value}"`, file: 'secrets.yml' },
  { name: 'numbered key', text: `"bot_token2": "${value}"`, file: 'tokens.json' },
];

const placeholders: { name: string; text: string }[] = [
  { name: 'YOUR_API_KEY', text: 'api_key = "YOUR_API_KEY"' },
  { name: 'your-token-here', text: 'token: your-token-here' },
  { name: 'xxxx', text: 'password = "xxxxxxxxxxxx"' },
  { name: '${VAR}', text: 'DB_PASSWORD=${DB_PASSWORD}' },
  { name: '$VAR', text: 'export API_TOKEN=$API_TOKEN' },
  { name: 'process.env.X', text: 'const apiKey = process.env.API_KEY;' },
  { name: 'os.environ', text: 'secret_key = os.environ["SECRET_KEY"]' },
  { name: 'changeme', text: 'password: changeme' },
  { name: 'template expression', text: 'password: {{ .Values.password }}' },
  { name: 'angle-bracket placeholder', text: 'token = "<your token>"' },
  { name: 'masked value', text: 'secret = "************"' },
  { name: 'redacted value', text: 'client_secret: "REDACTED"' },
  { name: 'sequence', text: 'api_key = "abcdef1234567890"' },
  { name: 'empty value', text: 'password = ""' },
  { name: 'Windows %VAR%', text: 'set token=%DEPLOY_TOKEN%' },
];

const notSecrets: { name: string; text: string }[] = [
  { name: 'a function call', text: 'const token = getToken(request);' },
  { name: 'a property chain', text: 'const password = this.form.password;' },
  { name: 'a lone key in code', text: 'for (const key of Object.keys(obj)) key = normalizeKey(key);' },
  { name: 'a key name, not a key', text: 'LLM_SECRET_NAME = "NEXUS-GPT4-API-KEY"' },
  { name: 'a URL of a token endpoint', text: "access_token_url='https://github.com/login/oauth/access_token'" },
  { name: 'a public key', text: `public_key = "${value}"` },
  { name: 'a CSRF token', text: `csrf-token=${value}` },
  { name: 'an identifier', text: 'credentialsId: "K8S_CRED"' },
  { name: 'a UUID under an id key', text: 'clientId = "73082700-1f09-405b-80d0-3131bfd6272d"' },
  { name: 'a file name', text: 'app.keystore.file=env/cert.p12' },
  { name: 'a version', text: 'notes = "Maven - io.jsonwebtoken:jjwt-jackson-0.11.2"' },
  { name: 'a length setting', text: 'secret_length = X25519.secret_length' },
  { name: 'a list of option strings', text: "choose('default', 'password', 'invisible')" },
  { name: 'a plain word as a test password', text: 'confirmPassword: "different"' },
  { name: 'a regex describing a token', text: "token_pattern = '[A-Za-z0-9_-]{40}'" },
  { name: 'words', text: 'secret_question = "FavouritePetName"' },
  { name: 'translated text', text: '"Unexpected_token_1012": "予期しないトークンです。"' },
  { name: 'a short value', text: 'token = "abc"' },
];

describe('keyword-assignment rules', () => {
  it.each(syntaxes)('flags a secret in $name syntax', ({ text, file }) => {
    expect(flagged(text, file)).toBe(true);
  });

  it.each(placeholders)('does not flag the placeholder $name', ({ text }) => {
    expect(scanSecrets(text, 'config.txt')).toEqual([]);
  });

  it.each(notSecrets)('does not flag $name', ({ text }) => {
    expect(scanSecrets(text, 'code.js')).toEqual([]);
  });

  it('accepts a quoted password made of words but not an unquoted variable name', () => {
    // governance-allow-secret: test fixture
    expect(flagged('password = "thisIsDog11"')).toBe(true);
    expect(flagged('password = thisIsDog')).toBe(false);
  });

  it('names the generic rule for a key without a service name', () => {
    expect(scanSecrets(`API_TOKEN=${value}`, '.env').map((f) => f.rule)).toEqual(['secret/generic-keyword-assignment']);
    expect(scanSecrets(`twitter_token=${value}`, '.env').map((f) => f.rule)).toEqual(['secret/provider-keyed-credential']);
  });
});
