/**
 * Services whose credentials are often stored under a key named only after the service
 * (`cloudflare: ...`, `SUMOLOGIC_ACCESSID=...`, `sourcegraph: ...`). Lower case.
 */
export const PROVIDER_NAMES: readonly string[] = [
  '1password', 'adafruit', 'adobe', 'airtable', 'algolia', 'alibaba', 'anthropic', 'artifactory', 'asana', 'atlassian',
  'authress', 'aws', 'azure', 'beamer', 'bitbucket', 'bittrex', 'clickhouse', 'cloudflare', 'codecov', 'cohere',
  'coinbase', 'confluence', 'confluent', 'contentful', 'contribsys', 'databricks', 'datadog', 'digitalocean', 'discord',
  'doppler', 'drone', 'dropbox', 'duffel', 'dynatrace', 'easypost', 'etsy', 'facebook', 'fastly', 'finicity', 'finnhub',
  'flickr', 'flutterwave', 'frameio', 'freshbooks', 'gitter', 'gocardless', 'grafana', 'harness', 'heroku', 'hubspot',
  'infracost', 'intercom', 'jfrog', 'jira', 'kraken', 'kucoin', 'launchdarkly', 'linear', 'linkedin', 'looker',
  'mailchimp', 'mailgun', 'mapbox', 'mattermost', 'maxmind', 'meraki', 'messagebird', 'netlify', 'newrelic',
  'nytimes', 'okta', 'plaid', 'planetscale', 'postman', 'prefect', 'privateai', 'pulumi', 'rapidapi', 'scalingo',
  'sendbird', 'sendgrid', 'sendinblue', 'sentry', 'shippo', 'shopify', 'sidekiq', 'snyk', 'sonar', 'sourcegraph',
  'squarespace', 'sumo', 'sumologic', 'telegram', 'travis', 'twilio', 'twitch', 'twitter', 'typeform', 'yandex', 'zendesk',
];
