export { installHooks } from './install';
export { integrityStep } from './integrity';
