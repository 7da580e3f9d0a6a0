import { connectionStringFinder } from './connection-string';
import { authorizationHeaderFinder, curlCredentialsFinder } from './http-credentials';
import { genericAssignmentFinder, providerAssignmentFinder } from './keyword-assignment';
import { kubernetesSecretFinder } from './kubernetes-secret';
import { patternFinder } from './pattern-finder';
import { privateKeyFinder } from './private-key';
import { providerDetectors } from './providers';
import type { SecretFinder } from './types';
import { xmlSettingFinder } from './xml-setting';

/**
 * Every finder, most specific first: when findings overlap, the earlier finder's finding is kept,
 * so a GitHub token assigned to `token=` is reported as a GitHub token, not as a generic secret.
 */
export const secretFinders: readonly SecretFinder[] = [
  privateKeyFinder,
  ...providerDetectors.map(patternFinder),
  connectionStringFinder,
  authorizationHeaderFinder,
  curlCredentialsFinder,
  kubernetesSecretFinder,
  xmlSettingFinder,
  providerAssignmentFinder,
  genericAssignmentFinder,
];
