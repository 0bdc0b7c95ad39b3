/**
 * dbdoctor as a library: read a database into the model, run the rules, render a report.
 * The CLI is a thin layer over these calls.
 */
export { auditModel, auditPostgres, type AuditOptions } from './audit/run.js';
export type { AuditResult, AuditSummary, AuditStatus, TargetInfo } from './audit/types.js';
export { introspectPostgres, type PostgresIntrospectOptions } from './dialects/postgres/introspect/index.js';
export type { Queryable } from './dialects/types.js';
export {
  openTarget,
  openAuditTarget,
  type OpenTarget,
  type AuditTarget,
  type ModelTarget,
  type PostgresTarget,
  type ReadModelOptions,
} from './sources/open-target.js';
export { auditTarget } from './audit/run-target.js';
export { introspectMysql, openMysqlUrl, type MysqlIntrospectOptions, type MysqlQueryable } from './dialects/mysql/index.js';
export { introspectSqlite, openSqliteFile, type SqliteIntrospectOptions } from './dialects/sqlite/index.js';
export { allRules, ruleById, defineRule } from './rules/index.js';
export type { Finding, Fix, Rule, RuleContext, RuleOptions, Severity, EvidenceValue } from './rules/types.js';
export { reporters, getReporter, type Reporter, type ReporterName } from './report/index.js';
export { createDemoDatabase } from './sources/demo/index.js';
export { selectFindings, type MigrationPlan, type PlanStep, type FixFilters } from './plan/types.js';
export { planFix, type PlanContext } from './plan/planner.js';
export { writers as migrationWriters, getWriter as getMigrationWriter, type MigrationWriter, type WriterName } from './writers/index.js';
export { applySteps, resumeLatest, rollbackLatest, type EngineOptions, type RunOutcome } from './apply/engine.js';
export { analyzePool, buildPoolReport, poolReporters, type PoolOptions } from './pool/index.js';
export { UserError } from './util/errors.js';
export { classifyTables, tableTypesOf, type TableTypeOverride } from './rules/context/classify.js';
export type { TableType, TableClassification, TableTypes, Confidence, ClassificationSource } from './rules/context/classify-types.js';
export { statisticsTrust, type StatisticsTrust, type NodeStatistics } from './rules/context/trust.js';
export {
  loadConfig,
  parseConfig,
  readConfigFile,
  configSchema,
  configJsonSchema,
  applyIgnores,
  ruleOptionsFromConfig,
  tableOverridesFromConfig,
  type DbdoctorConfig,
  type IgnoreEntry,
  type LoadedConfig,
  type SuppressedFinding,
} from './config/index.js';
export { readNodeIndexUsage, withNodeUsage } from './dialects/postgres/introspect/replica-usage.js';
export type { ReplicaSource } from './audit/run.js';
export {
  readWorkload,
  loadParser,
  analyzeStatement,
  canonicalExpression,
  indexCandidates,
  matchIndex,
  keyMatchesUse,
  predicateImpliedBy,
  resolveTable,
  sameTable,
  type ReadWorkloadOptions,
  type StatementAnalysis,
  type IndexCandidate,
  type IndexMatch,
  type MatchOptions,
} from './workload/index.js';
export type * from './model/workload.js';
export type * from './model/types.js';
export { collectPlanEvidence, whyNotPlanned, type CollectOptions } from './workload/plans/collect.js';
export { explainStatement, planMethodFor } from './workload/plans/explain.js';
export { proposeIndex } from './workload/plans/propose.js';
export { DEFAULT_PLANNER_SETTINGS } from './workload/plans/types.js';
export type * from './workload/plans/types.js';
export {
  buildStrategy,
  renderStrategyMarkdown,
  renderStrategyHtml,
  estimateBtreeBloat,
  type StrategyDocument,
  type StrategyOptions,
} from './report/docs/index.js';
