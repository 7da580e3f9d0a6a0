// `getAuditLog()` for the public API, loaded on first call so the preload does not pay for the
// reader and verifier at start-up.
import type { AuditLog } from './audit/log';

export function getAuditLog(...args: Parameters<typeof import('./audit/log').getAuditLog>): AuditLog {
  const { getAuditLog: load } = require('./audit/log') as typeof import('./audit/log');
  return load(...args);
}
