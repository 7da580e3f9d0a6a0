// What the preload does in a governed thread: activate, then expose the public API.
import { activateGovernance } from './activate';

activateGovernance();

export * from './index';
