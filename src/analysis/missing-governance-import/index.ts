export { requiredImportRule, GOVERNANCE_PACKAGE } from './rule';
