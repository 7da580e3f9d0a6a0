import type { FullConfig } from './types';

/** What applies when no config file is found: record everything, block nothing (DESIGN.md). */
export const DEFAULT_CONFIG: FullConfig = {
  level: 'development',
  default: 'allow',
  stateDir: '.governance',
  rules: [],
  audit: {},
  analysis: {},
};
