import type { PatternDetector } from './types';

// Provider token formats, written from the providers' published token layouts (prefix, alphabet, length).
// Each detector runs only when one of its anchors occurs in the text; patterns use bounded repetition only,
// so matching stays linear.

/** No token character directly before the match. */
const L = '(?<![A-Za-z0-9_+/.-])';
/** No token character directly after the match. */
const R = '(?![A-Za-z0-9_-])';

function detector(id: string, label: string, anchors: string[], body: string, options: Partial<PatternDetector> = {}): PatternDetector {
  return { id, label, anchors, pattern: new RegExp(`${L}(${body})${R}`, 'g'), ...options };
}

/** A detector for a URL; the host may follow `//` or `@`, so there is no left boundary. */
function urlDetector(id: string, label: string, anchors: string[], body: string): PatternDetector {
  return { id, label, anchors, pattern: new RegExp(`(${body})${R}`, 'g') };
}

const hasDigitAndLetter = (secret: string): boolean => /\d/.test(secret) && /[A-Za-z]/.test(secret);
const hasMixedCaseAndDigit = (secret: string): boolean => /\d/.test(secret) && /[a-z]/.test(secret) && /[A-Z]/.test(secret);

/** A base64 text that decodes to a JSON Web Token. */
function decodesToJwt(secret: string): boolean {
  const decoded = Buffer.from(secret, 'base64').toString('latin1');
  return /^eyJ[A-Za-z0-9_-]{5,4000}\.eyJ[A-Za-z0-9_-]{5,4000}/.test(decoded);
}

export const providerDetectors: readonly PatternDetector[] = [
  // AWS documentation examples end in EXAMPLE (`AKIAIOSFODNN7EXAMPLE`).
  detector('aws-access-key-id', 'AWS access key ID', ['AKIA', 'ASIA', 'ABIA', 'ACCA', 'A3T'], '(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}', { minEntropy: 3, accept: (secret) => !secret.endsWith('EXAMPLE') }),
  detector('aws-bedrock-api-key', 'Amazon Bedrock API key', ['ABSKQmVkcm9ja0FQSUtleS', 'bedrock-api-key-'], 'ABSKQmVkcm9ja0FQSUtleS[A-Za-z0-9+/]{100,200}={0,2}|bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t[A-Za-z0-9+/]{20,2000}={0,2}'),
  detector('github-token', 'GitHub token', ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'], 'gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}'),
  detector('gitlab-token', 'GitLab token', ['glpat-', 'glptt-', 'GR1348941', 'glrt-', 'glcbt-', 'glft-', 'glimt-', 'glagent-', 'gloas-', 'glsoat-', 'gldt-', 'glffct-'],
    '(?:glpat|glrt|gldt|glft|glsoat|glimt|glagent)-[A-Za-z0-9_-]{20,64}(?:\\.[A-Za-z0-9]{2}[.][A-Za-z0-9]{7,9}|\\.[A-Za-z0-9]{9})?|glptt-[a-f0-9]{40}|GR1348941[A-Za-z0-9_-]{20}|glcbt-[A-Za-z0-9]{1,5}_[A-Za-z0-9_-]{20}|gloas-[a-f0-9]{64}|glffct-[A-Za-z0-9_-]{20}',
    { minEntropy: 3 }),
  detector('gitlab-session-cookie', 'GitLab session cookie', ['_gitlab_session='], '_gitlab_session=[0-9a-z]{32}'),
  detector('slack-token', 'Slack token', ['xox', 'xapp-'],
    'xox[abposre]-(?:\\d-)?\\d{5,15}-[A-Za-z0-9-]{8,200}|xoxe\\.xox[bp]-1-[A-Za-z0-9]{60,400}|xoxe-1-[A-Za-z0-9-]{60,400}|xapp-\\d-[A-Z0-9]{9,12}-\\d{10,14}-[a-z0-9]{40,70}|xox[ar]-(?:\\d-)?[A-Za-z0-9]{8,48}',
    { accept: (secret) => !/#{3}|x{6}/i.test(secret) }),
  urlDetector('slack-webhook-url', 'Slack webhook URL', ['hooks.slack.com/'], 'hooks\\.slack\\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/]{40,120}'),
  urlDetector('microsoft-teams-webhook', 'Microsoft Teams webhook URL', ['.webhook.office.com/'],
    '[a-z0-9-]+\\.webhook\\.office\\.com/webhookb2/[a-z0-9-]{36}@[a-z0-9-]{36}/IncomingWebhook/[A-Za-z0-9]{20,40}/[A-Za-z0-9-]{20,40}'),
  detector('stripe-secret-key', 'Stripe secret key', ['sk_', 'rk_'], '(?:sk|rk)_(?:test|live|prod)_[A-Za-z0-9]{10,247}'),
  detector('openai-api-key', 'OpenAI API key', ['sk-'], 'sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{58,300}|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}'),
  detector('anthropic-api-key', 'Anthropic API key', ['sk-ant-'], 'sk-ant-(?:api03|admin01)-[A-Za-z0-9_-]{93}AA'),
  // Google API keys are often public client keys (Firebase, Maps) quoted in docs and key lists; only keys
  // written as a value (after a quote, `=`, `:` or `(`) are reported.
  { id: 'gcp-api-key', label: 'Google Cloud API key', anchors: ['AIza'], pattern: /(?<=["'`=:(]\s{0,3})(AIza[A-Za-z0-9_-]{35})(?![A-Za-z0-9_-])/g, minEntropy: 3.5 },
  detector('jwt', 'JSON Web Token', ['eyJ'], 'eyJ[A-Za-z0-9_-]{15,4000}\\.eyJ[A-Za-z0-9_/-]{15,4000}\\.(?:[A-Za-z0-9_/-]{10,4000}={0,2})?'),
  detector('jwt-base64', 'base64-encoded JSON Web Token', ['ZXlK'], 'ZXlK[A-Za-z0-9+/]{60,4000}={0,2}', { accept: decodesToJwt }),
  detector('npm-access-token', 'npm access token', ['npm_'], 'npm_[A-Za-z0-9]{36}'),
  detector('pypi-upload-token', 'PyPI upload token', ['pypi-AgEIcHlwaS5vcmc'], 'pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,4000}'),
  detector('rubygems-api-token', 'RubyGems API token', ['rubygems_'], 'rubygems_[a-f0-9]{48}'),
  detector('digitalocean-token', 'DigitalOcean token', ['_v1_'], 'do[opr]_v1_[a-f0-9]{64}'),
  detector('doppler-api-token', 'Doppler API token', ['dp.pt.'], 'dp\\.pt\\.[A-Za-z0-9]{43}'),
  detector('duffel-api-token', 'Duffel API token', ['duffel_'], 'duffel_(?:test|live)_[A-Za-z0-9_=-]{43}'),
  detector('dynatrace-api-token', 'Dynatrace API token', ['dt0c01.'], 'dt0c01\\.[A-Z0-9]{24}\\.[A-Z0-9]{64}'),
  detector('easypost-api-token', 'EasyPost API key', ['EZAK', 'EZTK'], 'EZ[AT]K[A-Za-z0-9]{54}'),
  detector('flutterwave-key', 'Flutterwave key', ['FLW'], 'FLW(?:PUBK|SECK)_TEST-[a-hA-H0-9]{32}-X|FLWSECK_TEST-?[a-hA-H0-9]{12}'),
  detector('frameio-api-token', 'Frame.io API token', ['fio-u-'], 'fio-u-[A-Za-z0-9_=-]{64}'),
  detector('grafana-token', 'Grafana token', ['eyJrIjoi', 'glc_', 'glsa_'], 'eyJrIjoi[A-Za-z0-9]{70,400}={0,2}|glc_[A-Za-z0-9+/]{32,400}={0,2}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}', { minEntropy: 3 }),
  detector('hashicorp-tf-api-token', 'Terraform Cloud API token', ['.atlasv1.'], '[A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_=-]{60,70}'),
  // Legacy `s.` service tokens have no distinctive prefix; they are found by the keyword-assignment rules.
  detector('vault-token', 'HashiCorp Vault token', ['hvs.', 'hvb.', 'b.AAAAAQ'],
    'hvs\\.[A-Za-z0-9_-]{90,120}|hvb\\.[A-Za-z0-9_-]{138,300}|b\\.AAAAAQ[A-Za-z0-9_-]{132,300}',
    { accept: hasMixedCaseAndDigit, minEntropy: 3 }),
  detector('huggingface-token', 'Hugging Face token', ['hf_', 'api_org_'], '(?:hf|api_org)_[A-Za-z]{34}', { accept: (secret) => /[A-Z]/.test(secret.slice(3)) && /[a-z]/.test(secret.slice(3)) }),
  detector('infracost-api-token', 'Infracost API token', ['ico-'], 'ico-[A-Za-z0-9]{32}', { accept: hasDigitAndLetter }),
  detector('intra42-client-secret', '42 Intra client secret', ['s-s4t2'], 's-s4t2(?:ud|af)-[a-f0-9]{64}'),
  detector('linear-api-key', 'Linear API key', ['lin_api_'], 'lin_api_[A-Za-z0-9]{40}'),
  detector('mailgun-key', 'Mailgun key', ['key-'], '(?:pub)?key-[a-f0-9]{32}'),
  detector('mailchimp-api-key', 'Mailchimp API key', ['-us'], '[a-f0-9]{32}-us\\d{1,2}'),
  detector('newrelic-key', 'New Relic key', ['NRAK-', 'NRJS-', 'NRII-'], 'NRAK-[A-Z0-9]{27}|NRJS-[a-f0-9]{19}|NRII-[A-Za-z0-9-]{32}'),
  detector('notion-api-token', 'Notion API token', ['ntn_'], 'ntn_\\d{11}[A-Za-z0-9]{35}', { accept: (secret) => /[A-Za-z]/.test(secret.slice(4)) }),
  detector('octopus-deploy-api-key', 'Octopus Deploy API key', ['API-'], 'API-[A-Z0-9]{26}', { accept: hasDigitAndLetter }),
  detector('planetscale-token', 'PlanetScale token or password', ['pscale_'], 'pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_=.-]{32,64}'),
  detector('postman-api-token', 'Postman API key', ['PMAK-'], 'PMAK-[a-fA-F0-9]{24}-[a-fA-F0-9]{34}'),
  detector('prefect-api-token', 'Prefect API key', ['pnu_'], 'pnu_[A-Za-z0-9]{36}'),
  detector('pulumi-api-token', 'Pulumi access token', ['pul-'], 'pul-[a-f0-9]{40}'),
  detector('readme-api-token', 'ReadMe API key', ['rdme_'], 'rdme_[a-z0-9]{70}'),
  detector('scalingo-api-token', 'Scalingo API token', ['tk-us-'], 'tk-us-[A-Za-z0-9_-]{48}'),
  detector('sendgrid-api-token', 'SendGrid API key', ['SG.'], 'SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}'),
  detector('sendinblue-api-token', 'Brevo (Sendinblue) API key', ['xkeysib-'], 'xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}'),
  detector('sentry-token', 'Sentry token', ['sntrys_', 'sntryu_'], 'sntrys_eyJpYXQiO[A-Za-z0-9+/]{10,400}={0,2}_[A-Za-z0-9+/]{43}|sntryu_[a-f0-9]{64}', { minEntropy: 3 }),
  detector('settlemint-token', 'SettleMint access token', ['sm_'], 'sm_(?:aat|pat|sat)_[A-Za-z0-9]{16}'),
  detector('shippo-api-token', 'Shippo API token', ['shippo_'], 'shippo_(?:live|test)_[a-fA-F0-9]{40}'),
  detector('shopify-token', 'Shopify token', ['shpat_', 'shpca_', 'shppa_', 'shpss_'], 'shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}'),
  detector('sourcegraph-access-token', 'Sourcegraph access token', ['sgp_'], 'sgp_(?:[a-fA-F0-9]{16}_|local_)?[a-fA-F0-9]{40}', { minEntropy: 3 }),
  detector('square-access-token', 'Square access token', ['EAAA', 'sq0atp-', 'sq0csp-'], 'EAAA[A-Za-z0-9_-]{60}|sq0atp-[A-Za-z0-9_-]{22}|sq0csp-[A-Za-z0-9_-]{43}'),
  detector('telegram-bot-api-token', 'Telegram bot token', [':A'], '\\d{5,16}:A[A-Za-z0-9_-]{34}'),
  detector('twilio-api-key', 'Twilio API key', ['SK'], 'SK[0-9a-fA-F]{32}', { minEntropy: 3 }),
  detector('age-secret-key', 'age secret key', ['AGE-SECRET-KEY-1'], 'AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}'),
  detector('authress-service-client-access-key', 'Authress access key', ['.acc'], '(?:sc|ext|scauth|authress)_[a-z0-9]{5,30}\\.[a-z0-9]{4,6}\\.acc[_-][a-z0-9-]{10,32}\\.[a-z0-9+/_=-]{30,120}'),
  detector('clickhouse-cloud-api-secret-key', 'ClickHouse Cloud API secret key', ['4b1d'], '4b1d[A-Za-z0-9]{38}', { accept: hasDigitAndLetter }),
  detector('clojars-api-token', 'Clojars deploy token', ['CLOJARS_'], 'CLOJARS_[a-z0-9]{60}'),
  detector('databricks-api-token', 'Databricks API token', ['dapi'], 'dapi[a-f0-9]{32}(?:-\\d)?'),
  detector('defined-networking-api-token', 'Defined Networking API token', ['dnkey-'], 'dnkey-[a-z0-9=_-]{26}-[a-z0-9=_-]{52}'),
  detector('harness-api-key', 'Harness API key', ['pat.', 'sat.'], '(?:pat|sat)\\.[A-Za-z0-9_-]{22}\\.[a-z0-9]{24}\\.[A-Za-z0-9]{20}'),
  detector('artifactory-token', 'JFrog Artifactory token', ['AKCp', 'cmVmd'], 'AKCp[A-Za-z0-9]{69}|cmVmd[A-Za-z0-9]{59}', { minEntropy: 3 }),
  detector('atlassian-api-token', 'Atlassian API token', ['ATATT3'], 'ATATT3[A-Za-z0-9_=-]{186}'),
  { id: 'azure-ad-client-secret', label: 'Azure AD client secret', anchors: ['Q~'], pattern: /(?<![A-Za-z0-9_~.-])([A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34})(?![A-Za-z0-9_~.-])/g, minEntropy: 3 },
  detector('cloudflare-origin-ca-key', 'Cloudflare Origin CA key', ['v1.0-'], 'v1\\.0-[a-f0-9]{24}-[a-f0-9]{146}'),
  detector('1password-secret-key', '1Password secret key', ['A3-'], 'A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}'),
  detector('1password-service-account-token', '1Password service account token', ['ops_eyJ'], 'ops_eyJ[A-Za-z0-9+/]{250,4000}={0,3}'),
  detector('openshift-user-token', 'OpenShift user token', ['sha256~'], 'sha256~[A-Za-z0-9_-]{43}', { minEntropy: 3 }),
  detector('facebook-token', 'Facebook access token', ['EAAM', 'EAAC', '|', '%7C'], 'EAA[MC][A-Za-z0-9]{100,4000}|\\d{15,16}(?:\\||%7C)[A-Za-z0-9_-]{27}'),
  detector('perplexity-api-key', 'Perplexity API key', ['pplx-'], 'pplx-[A-Za-z0-9]{48}'),
  detector('maxmind-license-key', 'MaxMind license key', ['_mmk'], '[A-Za-z0-9]{6}_[A-Za-z0-9]{29}_mmk'),
  detector('alibaba-access-key-id', 'Alibaba Cloud AccessKey ID', ['LTAI'], 'LTAI[A-Za-z0-9]{20}'),
  detector('adobe-client-secret', 'Adobe client secret', ['p8e-'], 'p8e-[A-Za-z0-9]{32}', { accept: hasDigitAndLetter }),
  detector('airtable-personal-access-token', 'Airtable personal access token', ['pat'], 'pat[A-Za-z0-9]{14}\\.[a-f0-9]{64}'),
  detector('yandex-token', 'Yandex Cloud token', ['t1.', 'AQVN'], 't1\\.[A-Za-z0-9_-]+={0,2}\\.[A-Za-z0-9_-]{86}={0,2}|AQVN[A-Za-z0-9_-]{35,38}'),
  detector('typeform-api-token', 'Typeform API token', ['tfp_'], 'tfp_[A-Za-z0-9_.=-]{59}'),
  detector('twitter-bearer-token', 'Twitter bearer token', ['AAAAAAAAAAAAAAAAAAAAA'], 'A{22}[A-Za-z0-9%]{80,100}'),
  detector('flyio-access-token', 'Fly.io access token', ['fo1_', 'fm1', 'fm2_'], 'fo1_[A-Za-z0-9_-]{43}|fm[12][ar]?_[A-Za-z0-9+/]{100,4000}={0,3}'),
  detector('mapbox-api-token', 'Mapbox access token', ['pk.', 'sk.', 'tk.'], '[pst]k\\.[A-Za-z0-9]{60}\\.[A-Za-z0-9_-]{22}|[pst]k\\.eyJ1Ijoi[A-Za-z0-9_-]{20,4000}\\.[A-Za-z0-9_-]{20,4000}'),
  { id: 'sidekiq-secret', label: 'Sidekiq Enterprise credentials', anchors: ['__CONTRIBSYS__COM'], pattern: /BUNDLE_(?:ENTERPRISE|GEMS)__CONTRIBSYS__COM["']?[ \t]*[:=][ \t]*["']?([a-f0-9]{8}:[a-f0-9]{8})(?![a-f0-9])/g },
  detector('heroku-api-key-v2', 'Heroku API key', ['HRKU-'], 'HRKU-AA[A-Za-z0-9_-]{58}'),
];
