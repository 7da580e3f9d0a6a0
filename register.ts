// Preload entry: `node --require @mltrainer/governance` (this CJS build) or `--import` (dist/register.mjs).
// Activates governance before user code runs, then exposes the public API.
import { activateGovernance } from './src/activate';

activateGovernance();

export * from './src/index';
