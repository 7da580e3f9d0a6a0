export { deceptiveImportRule } from './rule';
