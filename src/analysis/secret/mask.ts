/**
 * Masks a secret for display: keeps four characters at each end of a long secret (`AKIA************MPLE`),
 * two of a medium one and none of a short one, so a short password is never half shown.
 */
export function maskSecret(secret: string): string {
  const keep = secret.length >= 20 ? 4 : secret.length >= 12 ? 2 : 0;
  const hidden = Math.min(Math.max(secret.length - 2 * keep, 1), 32);
  return secret.slice(0, keep) + '*'.repeat(hidden) + (keep > 0 ? secret.slice(-keep) : '');
}
