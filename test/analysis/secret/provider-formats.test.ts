import { describe, expect, it } from 'vitest';
import { scanSecrets } from '../../../src/analysis/secret/index';
import { ALNUM, HEX, LETTERS, LOWER_ALNUM, UPPER_ALNUM, join, randomString } from './fake-secrets';

function rulesIn(text: string): string[] {
  return scanSecrets(text, 'config.txt').map((finding) => finding.rule);
}

const invalid: { rule: string; text: string }[] = [
  { rule: 'secret/aws-access-key-id', text: `aws_id = ${join('AK', 'IA', randomString('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16, 2))}` },
  { rule: 'secret/github-token', text: `git remote set-url origin https://x:${join('gh', 'p_', randomString(ALNUM, 36, 3))}@github.com/a/b` },
  { rule: 'secret/github-token', text: join('const t = "github', '_pat_', randomString(ALNUM, 22, 4), '_', randomString(ALNUM, 59, 5), '"') },
  { rule: 'secret/gitlab-token', text: `CI_TOKEN: ${join('gl', 'pat-', randomString(ALNUM, 20, 6))}` },
  { rule: 'secret/slack-token', text: `bot = "${join('xo', 'xb-', '263594206564', '-', '2343594206574', '-', randomString(ALNUM, 24, 7))}"` },
  { rule: 'secret/stripe-secret-key', text: `Stripe.apiKey = '${join('sk', '_live_', randomString(ALNUM, 40, 8))}';` },
  { rule: 'secret/openai-api-key', text: `OPENAI=${join('sk', '-proj-', randomString(ALNUM, 74, 9), 'T3Blbk', 'FJ', randomString(ALNUM, 74, 10))}` },
  { rule: 'secret/gcp-api-key', text: `firebase: { apiKey: "${join('AI', 'za', 'Sy', randomString(ALNUM, 33, 11))}" }` },
  { rule: 'secret/npm-access-token', text: `//registry.npmjs.org/:_authToken=${join('np', 'm_', randomString(ALNUM, 36, 12))}` },
  { rule: 'secret/huggingface-token', text: `huggingface-cli login --token ${join('h', 'f_', randomString(LETTERS, 34, 13))}` },
  { rule: 'secret/sendgrid-api-token', text: `SENDGRID = "${join('S', 'G.', randomString(ALNUM, 22, 14), '.', randomString(ALNUM, 43, 15))}"` },
  { rule: 'secret/telegram-bot-api-token', text: `bot = Bot("${join('7641905512', ':A', randomString(ALNUM, 34, 16))}")` },
  { rule: 'secret/jwt', text: `Authorization: ${join('ey', 'J', randomString(ALNUM, 30, 17), '.ey', 'J', randomString(ALNUM, 60, 18), '.', randomString(ALNUM, 43, 19))}` },
  { rule: 'secret/azure-ad-client-secret', text: `"secret": "${join('bP8', '8Q~', randomString(ALNUM, 34, 20))}"` },
  { rule: 'secret/databricks-api-token', text: `host_token: ${join('da', 'pi', randomString(HEX, 32, 21))}` },
  { rule: 'secret/twilio-api-key', text: `twilio.sid = ${join('S', 'K', randomString(HEX, 32, 22))}` },
  { rule: 'secret/age-secret-key', text: join('AGE-SECRET', '-KEY-1', randomString('QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L', 58, 23)) },
  { rule: 'secret/1password-secret-key', text: join('A3-', randomString(UPPER_ALNUM, 6, 24), '-', randomString(UPPER_ALNUM, 11, 25), '-', randomString(UPPER_ALNUM, 5, 26), '-', randomString(UPPER_ALNUM, 5, 27), '-', randomString(UPPER_ALNUM, 5, 28)) },
  { rule: 'secret/mailchimp-api-key', text: `mailchimp_key = '${join(randomString(HEX, 32, 29), '-us', '18')}'` },
  { rule: 'secret/pulumi-api-token', text: `export PULUMI_ACCESS_TOKEN=${join('pu', 'l-', randomString(HEX, 40, 30))}` },
  { rule: 'secret/shopify-token', text: `shop.token = "${join('shp', 'at_', randomString(HEX, 32, 31))}"` },
  { rule: 'secret/sidekiq-secret', text: `export BUNDLE_GEMS__CONTRIBSYS__COM=${join(randomString(HEX, 8, 32), ':', randomString(HEX, 8, 33))}` },
  { rule: 'secret/slack-webhook-url', text: `url: https://${join('hooks.', 'slack.com/services/T0DCUJB1Q/B0DD08H5G/', randomString(ALNUM, 24, 34))}` },
  { rule: 'secret/digitalocean-token', text: `token=${join('do', 'p_v1_', randomString(HEX, 64, 35))}` },
  { rule: 'secret/anthropic-api-key', text: `ANTHROPIC_API_KEY=${join('sk', '-ant-api03-', randomString(ALNUM, 93, 36), 'AA')}` },
  { rule: 'secret/pypi-upload-token', text: `password = ${join('py', 'pi-AgEIcHlwaS5vcmc', randomString(ALNUM, 60, 37))}` },
];

const valid: { name: string; text: string }[] = [
  { name: 'the AWS documentation example pattern written with x', text: `aws_id = ${join('AK', 'IA', 'XXXXXXXXXXXXXXXX')}` },
  { name: 'the AWS documentation example key', text: join('aws_access_key_id = AKIA', 'IOSFODNN7', 'EXAMPLE') },
  { name: 'a GitHub token placeholder', text: join('token: gh', 'p_', 'x'.repeat(36)) },
  { name: 'a token inside a longer unrelated word', text: `blob ${join('qqAK', 'IA', randomString('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16, 40))}qq` },
  { name: 'a Slack token with a masked tail', text: join('"token4": "xo', 'xp-572370529330-573807301142-572331691188-####################"') },
  { name: 'a bare Google API key in prose (often a public client key)', text: join('see key AI', 'za', 'Sy', randomString(ALNUM, 33, 41)) },
  { name: 'a provider prefix with the wrong length', text: join('x = "gh', 'p_', randomString(ALNUM, 20, 42), '"') },
  { name: 'an identifier that happens to start like a token', text: 'def test_internal_api_org_inclusion_with_href(api_name):' },
  { name: 'a hugging face identifier in code', text: '- (id)hf_requiredCharacteristicTypesForDisplayMetadata;' },
];

describe('provider token formats', () => {
  it.each(invalid)('flags $rule', ({ rule, text }) => {
    expect(rulesIn(text)).toContain(rule);
  });

  it.each(valid)('does not flag $name', ({ text }) => {
    expect(rulesIn(text)).toEqual([]);
  });

  it('reports the token span, not the surrounding text', () => {
    const secret = join('gh', 'p_', randomString(ALNUM, 36, 50));
    const [finding] = scanSecrets(`export GH_TOKEN="${secret}"`, '.env');
    expect(finding).toMatchObject({ rule: 'secret/github-token', line: 1, column: 18, endLine: 1, endColumn: 18 + secret.length });
  });

  it('finds several tokens in one file, each once', () => {
    const text = [0, 1, 2].map((seed) => `t${seed} = ${join('np', 'm_', randomString(LOWER_ALNUM, 36, 60 + seed))}`).join('\n');
    const findings = scanSecrets(text, 'a.ini');
    expect(findings.map((f) => [f.rule, f.line])).toEqual([
      ['secret/npm-access-token', 1],
      ['secret/npm-access-token', 2],
      ['secret/npm-access-token', 3],
    ]);
  });
});
