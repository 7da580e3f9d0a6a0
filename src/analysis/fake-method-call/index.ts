export { fakeMethodCallRule } from './rule';
