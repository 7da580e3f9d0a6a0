// Public API. Importing the package entry (register) activates governance; this module only exports.
export { activateGovernance, isGovernanceActive, governanceStatus, EXIT_REFUSED } from './activate';
export type { GovernanceStatus } from './activate';
export { withApprovedActions } from './kernel/approvals';
export { governed } from './kernel/governed';
export { GovernanceDeniedError } from './kernel/errors';
export { ConfigError } from './rules/errors';
export { loadConfig } from './rules/load';
export { getAuditLog } from './audit-api';
export type * from './types';
