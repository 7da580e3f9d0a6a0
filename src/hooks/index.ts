export { installHooks } from './install';
export { integrityStep } from './integrity';
export { sealOwnModules } from './own-modules';
export { protectLogFiles } from './log-files';
export { protectOwnFiles } from './own-files';
