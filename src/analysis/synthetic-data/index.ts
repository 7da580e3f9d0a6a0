export { mathRandomRule } from './math-random';
export { pseudoRandomBytesRule } from './pseudo-random-bytes';
export { randomPackageRule } from './random-package';
export { numericRandomRule } from './numeric-random';
export { TEST_AND_FIXTURE_GLOBS } from './exempt';
