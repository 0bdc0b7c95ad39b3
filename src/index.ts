/**
 * dbdoctor as a library: open a target, audit it, render a report, plan and write the fix. The
 * CLI is a thin layer over these calls. Everything else in the package is internal and may
 * change; the monitor is `dbdoctor/monitor`.
 *
 * ```ts
 * const target = await openAuditTarget(process.env.DATABASE_URL!);
 * try {
 *   const result = await auditTarget(target);
 *   console.log(reporters.markdown.render(result, { color: false }));
 * } finally {
 *   await target.close();
 * }
 * ```
 */

// Targets and audits.
export { openAuditTarget, type AuditTarget, type TargetOptions } from './sources/open-target.js';
export { auditTarget } from './audit/run-target.js';
export { auditModel, auditPostgres, type AuditOptions, type ReplicaSource } from './audit/run.js';
export type { AuditResult, AuditSummary, AuditStatus, TargetInfo } from './audit/types.js';
export type { Queryable } from './dialects/types.js';

// Rules and their findings.
export { allRules, ruleById } from './rules/index.js';
export { RULE_IDS, type RuleId, type Finding, type Fix, type Rule, type Severity, type EvidenceValue } from './rules/types.js';

// Reports and the index-strategy document.
export { reporters, getReporter, type Reporter, type ReporterName } from './report/index.js';
export { buildStrategy, renderStrategyMarkdown, renderStrategyHtml, type StrategyDocument } from './report/docs/index.js';

// Fixes: a plan checked as a whole, written as a migration.
export { selectFindings, type MigrationPlan, type PlanStep, type FixFilters } from './plan/types.js';
export { planFix, type PlanContext } from './plan/planner.js';
export { getWriter as getMigrationWriter, type MigrationWriter, type WriterName } from './writers/index.js';

// The pool advisor and the configuration file.
export { analyzePool, buildPoolReport, poolReporters, type PoolOptions } from './pool/index.js';
export { loadConfig, type DbdoctorConfig } from './config/index.js';

export { UserError } from './util/errors.js';
export type * from './model/types.js';
