export { installHooks } from './install';
