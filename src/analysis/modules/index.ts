export { createModuleIndex } from './module-index';
export type { ModuleIndexOptions } from './module-index';
