/**
 * Masks a secret for display: keeps a few characters at each end (at most 4, and at most a quarter of the
 * secret each) and replaces the rest with `*`, e.g. `AKIA************MPLE`.
 */
export function maskSecret(secret: string): string {
  const keep = Math.min(4, Math.floor(secret.length / 4));
  const hidden = Math.max(secret.length - 2 * keep, 1);
  return secret.slice(0, keep) + '*'.repeat(Math.min(hidden, 32)) + (keep > 0 ? secret.slice(-keep) : '');
}
