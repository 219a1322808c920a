export * from './types';
// createCacheRuntime (Redis + embedded) is implemented in ./runtime.ts.
export { createCacheRuntime } from './runtime';
