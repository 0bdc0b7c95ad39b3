/**
 * The workload: read queries from pg_stat_statements, logs and query files, analyze them
 * against the schema model, and match them to indexes.
 */
export { readWorkload, type ReadWorkloadOptions } from './read.js';
export { loadParser } from './ast.js';
export { analyzeStatement, type StatementAnalysis } from './analyze.js';
export { canonicalExpression } from './expression.js';
export { indexCandidates, keyMatchesUse, matchIndex, predicateImpliedBy, type IndexCandidate, type IndexMatch, type MatchOptions } from './match.js';
export { modelTables, resolveTable, sameTable, type ModelTables } from './resolve.js';
export type * from './types.js';
