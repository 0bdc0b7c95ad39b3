/**
 * `dbdoctor pool` as a library: size a connection pool from the load, the deployment and the
 * server's limits, and check its settings.
 */
export { analyzePool, buildPoolReport } from './analyze.js';
export { type PoolOptions } from './inputs.js';
export { poolReporters } from './reporters.js';
export type * from './types.js';
