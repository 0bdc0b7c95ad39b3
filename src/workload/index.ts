/**
 * The workload: read queries from pg_stat_statements, logs and query files, analyze them
 * against the schema model, and match them to indexes.
 */
export { readWorkload, type ReadWorkloadOptions } from './read.js';
export { loadParser } from '../sql/ast.js';
export { analyzeStatement, type StatementAnalysis } from '../sql/analyze.js';
export { canonicalExpression } from '../sql/expression.js';
export {
  indexCandidates,
  keyMatchesUse,
  matchIndex,
  type IndexCandidate,
  type IndexMatch,
  type MatchOptions,
} from '../semantics/query-match.js';
export { predicateImpliedBy } from '../semantics/predicate-implication.js';
export { modelTables, resolveTable, sameTable, type ModelTables } from '../sql/resolve.js';
export type * from '../model/workload.js';
