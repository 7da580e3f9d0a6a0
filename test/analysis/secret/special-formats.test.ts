import { describe, expect, it } from 'vitest';
import { scanSecrets } from '../../../src/analysis/secret/index';
import { ALNUM, join, randomString } from './fake-secrets';

function rulesIn(text: string, file = 'file.txt'): string[] {
  return scanSecrets(text, file).map((finding) => finding.rule);
}

const pemBody = Array.from({ length: 5 }, (_, i) => randomString(ALNUM, 64, 200 + i)).join('\n');
const password = randomString(ALNUM, 14, 210);

describe('private keys', () => {
  it('flags PEM, OpenSSH and PGP private keys, also JSON-escaped', () => {
    for (const kind of ['RSA PRIVATE KEY', 'PRIVATE KEY', 'OPENSSH PRIVATE KEY', 'EC PRIVATE KEY', 'PGP PRIVATE KEY BLOCK']) {
      expect(rulesIn(`-----BEGIN ${kind}-----\n${pemBody}\n-----END ${kind}-----\n`, 'id_rsa')).toEqual(['secret/private-key']);
    }
    const escaped = `{"private_key": "-----BEGIN PRIVATE KEY-----\\n${pemBody.replace(/\n/g, '\\n')}\\n-----END PRIVATE KEY-----\\n"}`;
    expect(rulesIn(escaped, 'sa.json')).toEqual(['secret/private-key']);
  });

  it('does not flag a public key, a certificate or an empty key block', () => {
    expect(rulesIn(`-----BEGIN PUBLIC KEY-----\n${pemBody}\n-----END PUBLIC KEY-----`)).toEqual([]);
    expect(rulesIn(`-----BEGIN CERTIFICATE-----\n${pemBody}\n-----END CERTIFICATE-----`)).toEqual([]);
    expect(rulesIn('-----BEGIN PRIVATE KEY-----\nanything\n-----END PRIVATE KEY-----')).toEqual([]);
  });
});

describe('connection strings', () => {
  it('flags credentials in database and service URLs', () => {
    expect(rulesIn(`DATABASE_URL=postgres://app:${password}@db.internal:5432/prod`)).toEqual(['secret/connection-string']);
    expect(rulesIn(`mongo = "mongodb+srv://reader:${password}@cluster0.example.net/db"`)).toEqual(['secret/connection-string']);
    expect(rulesIn(`url: amqp://guest:${password}@rabbit:5672`)).toEqual(['secret/connection-string']);
  });

  it('does not flag URLs without a password or with a placeholder', () => {
    expect(rulesIn('postgres://localhost:5432/prod')).toEqual([]);
    expect(rulesIn('postgres://user:password@localhost/db')).toEqual([]);
    expect(rulesIn('postgres://${DB_USER}:${DB_PASSWORD}@db/prod')).toEqual([]);
    expect(rulesIn('redis://:xxxxxxxx@cache:6379')).toEqual([]);
  });
});

describe('HTTP credentials', () => {
  it('flags authorization headers and curl credentials', () => {
    expect(rulesIn(`curl -H "Authorization: Bearer ${randomString(ALNUM, 40, 220)}" https://api.example.com`)).toEqual(['secret/authorization-header']);
    expect(rulesIn(`headers = {"Authorization": "Token ${randomString(ALNUM, 40, 221)}"}`)).toEqual(['secret/authorization-header']);
    expect(rulesIn(`curl -H "X-Api-Key: ${randomString(ALNUM, 32, 222)}" https://api.example.com`)).toEqual(['secret/authorization-header']);
    expect(rulesIn(`curl -u deploy:${password} https://ci.example.com`)).toEqual(['secret/curl-user-password']);
    expect(rulesIn(`curl --user 'deploy:${password}' https://ci.example.com`)).toEqual(['secret/curl-user-password']);
  });

  it('follows a curl command over continued lines, and only curl commands', () => {
    expect(rulesIn(`curl -X POST https://ci.example.com \\\n  -H 'Accept: text/plain' \\\n  -u deploy:${password}`)).toEqual(['secret/curl-user-password']);
    expect(rulesIn(`curl https://ci.example.com\ndocker run -u deploy:${password} image`)).toEqual([]);
  });

  it('does not flag headers and curl users built from variables or placeholders', () => {
    expect(rulesIn('curl -H "Authorization: Bearer $API_KEY" https://api.example.com')).toEqual([]);
    expect(rulesIn('curl -H "Authorization: Bearer <token>" https://api.example.com')).toEqual([]);
    expect(rulesIn('curl -u "$USERNAME:$PASSWORD" https://ci.example.com')).toEqual([]);
    expect(rulesIn('curl -u <user:password> https://ci.example.com')).toEqual([]);
    expect(rulesIn('curl --user username:password https://ci.example.com')).toEqual([]);
  });
});

describe('Kubernetes secrets', () => {
  const manifest = (value: string): string =>
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n  password: ${value}\n  username: YWRtaW4=\n`;

  it('flags a value under data in a Secret manifest', () => {
    expect(rulesIn(manifest(Buffer.from(password).toString('base64')), 'secret.yaml')).toEqual(['secret/kubernetes-secret-yaml']);
  });

  it('does not flag templates, empty values or other kinds', () => {
    expect(rulesIn(manifest('{{ .Values.password }}'), 'secret.yaml')).toEqual([]);
    expect(rulesIn(manifest('""'), 'secret.yaml')).toEqual([]);
    // A password in a ConfigMap is still a hard-coded password, but not a Secret manifest value.
    expect(rulesIn(manifest(Buffer.from(password).toString('base64')).replace('kind: Secret', 'kind: ConfigMap'), 'cm.yaml')).toEqual(['secret/generic-keyword-assignment']);
  });
});

describe('config settings and key stores', () => {
  it('flags a password in an <add key value> setting', () => {
    expect(rulesIn(`<add key="ClearTextPassword" value="${password}" />`, 'NuGet.config')).toEqual(['secret/config-setting-password']);
    expect(rulesIn('<add key="ClearTextPassword" value="%NUGET_PASSWORD%" />', 'NuGet.config')).toEqual([]);
    expect(rulesIn('<add key="Username" value="builder" />', 'NuGet.config')).toEqual([]);
  });

  it('flags PKCS#12 key store files by name', () => {
    expect(rulesIn('', 'certs/client.p12')).toEqual(['secret/pkcs12-file']);
    expect(rulesIn('', 'certs/server.PFX')).toEqual(['secret/pkcs12-file']);
    expect(rulesIn('', 'docs/type.P126.html')).toEqual([]);
  });

  it('flags base64 and JWT tokens wherever they appear', () => {
    const jwt = join('ey', 'JhbGciOiJIUzI1NiJ9', '.ey', 'J', randomString(ALNUM, 50, 230), '.', randomString(ALNUM, 43, 231));
    expect(rulesIn(`session=${jwt}`)).toEqual(['secret/jwt']);
    expect(rulesIn(Buffer.from(jwt).toString('base64'))).toEqual(['secret/jwt-base64']);
  });
});
