export { isTextFile } from './binary';
export { ALLOW_MARKER } from './allow-comment';
export { maskSecret } from './mask';
export { isKeyStoreFile, keyStoreFileRule, secretRules } from './rules';
export { scanSecrets } from './scan';
export type { SecretFinding } from './scan';
