import { anchorsOf } from './anchors';
import { findAssignments } from './assignments';
import { classifyKey, keyParts } from './key-names';
import { PROVIDER_NAMES } from './provider-names';
import type { Assignment, SecretFinder, SecretSpan } from './types';
import { looksLikeSecret } from './value-shape';

// Secrets recognised by the name they are assigned to rather than by their own format:
// `DB_PASSWORD=...`, `"client_secret": "..."`, `sumoToken := "..."`, `cloudflare: "..."`.

/** The shortest value any assignment rule reports; shorter ones are skipped before the costlier checks. */
const MIN_VALUE_LENGTH = 8;
const GENERIC_SHAPE = { minLength: 10, minEntropy: 3, allowDigits: true };
const PASSWORD_SHAPE = { minLength: MIN_VALUE_LENGTH, minEntropy: 2.5, allowDigits: true };
const PROVIDER_SHAPE = { minLength: 10, minEntropy: 3, allowDigits: true };

/** Assignments of the last text scanned; the generic and provider rules read the same text in turn. */
let cachedText: string | undefined;
let cachedAssignments: Assignment[] = [];

function assignmentsOf(text: string): Assignment[] {
  if (text !== cachedText) {
    cachedAssignments = findAssignments(text, anchorsOf(text).keywordRanges());
    cachedText = text;
  }
  return cachedAssignments;
}

function span(assignment: Assignment): SecretSpan {
  return { start: assignment.valueStart, end: assignment.valueStart + assignment.value.length, secret: assignment.value };
}

/** A password-named key with a password-like value, or another secret-named key with a random-looking value. */
function isGenericSecret(assignment: Assignment): boolean {
  if (assignment.value.length < MIN_VALUE_LENGTH) return false;
  const kind = classifyKey(assignment.key);
  if (kind === 'password') {
    // In a list (`'password', 'invisible'`) the next string is not necessarily the password.
    const allowWords = assignment.quoted && assignment.operator !== ',';
    return looksLikeSecret(assignment.value, { ...PASSWORD_SHAPE, allowWords });
  }
  return kind === 'secret' && looksLikeSecret(assignment.value, GENERIC_SHAPE);
}

export const genericAssignmentFinder: SecretFinder = {
  id: 'generic-keyword-assignment',
  label: 'secret assigned to a secret-named key',
  find(text: string): SecretSpan[] {
    return assignmentsOf(text).filter(isGenericSecret).map(span);
  },
};

/** True when `key` names a service's credential: `twitterToken`, `sumologic.accessId`, `cloudflare`. */
function isProviderKey(key: string): boolean {
  const kind = classifyKey(key);
  if (kind !== 'other') return PROVIDER_NAMES.some((name) => key.toLowerCase().includes(name));
  const parts = keyParts(key);
  return parts.length > 0 && PROVIDER_NAMES.includes(parts[parts.length - 1]!);
}

export const providerAssignmentFinder: SecretFinder = {
  id: 'provider-keyed-credential',
  label: 'credential assigned to a key named after a service',
  find(text: string): SecretSpan[] {
    return assignmentsOf(text)
      .filter((assignment) => assignment.value.length >= MIN_VALUE_LENGTH && isProviderKey(assignment.key) && looksLikeSecret(assignment.value, PROVIDER_SHAPE))
      .map(span);
  },
};
