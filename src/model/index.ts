export type * from './types.js';
export { buildLookup, qualifiedKey, type ModelLookup } from './lookup.js';
