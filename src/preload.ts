// What the preload does in a governed thread: load the public API, then activate. The API's modules load
// first so that governance's own module loads are not decided and recorded as if user code had made them.
export * from './index';
import { activateGovernance } from './activate';

activateGovernance();
