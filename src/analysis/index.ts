// Public API of the static checker (`@mltrainer/governance/analysis`).
export { checkFiles, checkSource, createSourceChecker } from './check';
export { checkFilesInParallel } from './check-parallel';
export { CheckError } from './errors';
export { CHECK_NAMES } from './rules';
export type * from './types';
export { applyBaseline, createBaseline, readBaseline, writeBaseline, type Baseline } from './baseline';
export { formatJson, formatSarif, formatText } from './reporters';
export { ruleMetasOf } from './rules';
