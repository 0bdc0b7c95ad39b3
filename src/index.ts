/**
 * dbdoctor as a library: read a database into the model, run the rules, render a report.
 * The CLI is a thin layer over these calls.
 */
export { auditModel, auditPostgres, type AuditOptions } from './audit/run.js';
export type { AuditResult, AuditSummary, AuditStatus, TargetInfo } from './audit/types.js';
export { introspectPostgres, type PostgresIntrospectOptions } from './introspect/postgres/index.js';
export type { Queryable } from './introspect/types.js';
export { openTarget, type OpenTarget } from './connect/index.js';
export { allRules, ruleById, defineRule } from './rules/index.js';
export type { Finding, Fix, Rule, RuleContext, RuleOptions, Severity, EvidenceValue } from './rules/types.js';
export { reporters, getReporter, type Reporter, type ReporterName } from './report/index.js';
export { createDemoDatabase } from './demo/index.js';
export { planMigration, selectFindings, type MigrationPlan, type MigrationStep, type FixFilters } from './fix/steps.js';
export { writers as migrationWriters, getWriter as getMigrationWriter, type MigrationWriter, type WriterName } from './fix/writers/index.js';
export { applySteps, resumeLatest, rollbackLatest, type EngineOptions, type RunOutcome } from './apply/engine.js';
export { analyzePool, buildPoolReport, poolReporters, type PoolOptions } from './pool/index.js';
export { UserError } from './errors.js';
export { classifyTables, tableTypesOf, type TableTypeOverride } from './classify/index.js';
export type { TableType, TableClassification, TableTypes, Confidence, ClassificationSource } from './classify/types.js';
export { statisticsTrust, type StatisticsTrust, type NodeStatistics } from './stats/trust.js';
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
export { readNodeIndexUsage, withNodeUsage } from './introspect/postgres/replica-usage.js';
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
export type * from './workload/types.js';
export type * from './model/types.js';
export { collectPlanEvidence, whyNotPlanned, type CollectOptions } from './planner/collect.js';
export { explainStatement, planMethodFor } from './planner/explain.js';
export { proposeIndex } from './planner/propose.js';
export { DEFAULT_PLANNER_SETTINGS } from './planner/types.js';
export type * from './planner/types.js';
export { buildStrategy, renderStrategyMarkdown, renderStrategyHtml, estimateBtreeBloat, type StrategyDocument, type StrategyOptions } from './docs/index.js';
