/**
 * `dbdoctor pool` as a library: size a connection pool from the load, the deployment and the
 * server's limits, and check its settings.
 */
export { analyzePool, buildPoolReport } from './analyze.js';
export { resolveInputs, offlineServer, parseConcurrency, parseInstances, type PoolOptions } from './inputs.js';
export { readSettingsFile, parseSetting } from './read-settings.js';
export { readPythonPools, type PythonPool } from './python-reader.js';
export { effectivePool, type EffectivePool } from './effective.js';
export { poissonQuantile } from './math.js';
export { POOL_RULES, type PoolRuleId } from './findings.js';
export { renderPoolText } from './render-text.js';
export { renderPoolJson, renderPoolMarkdown } from './render-structured.js';
export { poolReporters, type PoolReporter } from './reporters.js';
export type * from './types.js';
