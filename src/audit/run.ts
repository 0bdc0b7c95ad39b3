import { buildLookup } from '../model/lookup.js';
import type { SchemaModel } from '../model/types.js';
import { introspectPostgres } from '../introspect/postgres/index.js';
import type { Queryable } from '../introspect/types.js';
import { allRules } from '../rules/index.js';
import { DEFAULT_RULE_OPTIONS, severityRank, type Finding, type Rule, type RuleOptions } from '../rules/types.js';
import { summarize } from './summary.js';
import { classifyTables } from '../classify/index.js';
import type { Workload } from '../workload/types.js';
import { collectPlanEvidence, failedPlanEvidence } from '../planner/collect.js';
import type { PlanEvidence, PlannerSettings } from '../planner/types.js';
import type { AuditResult, TargetInfo } from './types.js';

/** How to audit. */
export interface AuditOptions {
  /** Schemas to audit; all user schemas when empty. */
  readonly schemas?: readonly string[];
  /** Rules to run; all when absent. */
  readonly rules?: readonly Rule[];
  readonly ruleOptions?: Partial<RuleOptions>;
  /** The queries the database runs, when known. */
  readonly workload?: Workload | null;
  /** What the planner said about the workload (auditPostgres collects it when a workload is given). */
  readonly plans?: PlanEvidence | null;
  /** Settings of the planner step, or false to skip it. */
  readonly planner?: Partial<PlannerSettings> | false;
}

/** Findings in report order: most severe first, then by table and index. */
function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    a.schema.localeCompare(b.schema) ||
    a.table.localeCompare(b.table) ||
    a.rule.localeCompare(b.rule) ||
    (a.index ?? a.constraint ?? '').localeCompare(b.index ?? b.constraint ?? '')
  );
}

/** Runs the rules over a model that was already read. */
export function auditModel(
  model: SchemaModel,
  target: Omit<TargetInfo, 'serverVersion' | 'schemas' | 'dialect' | 'database'>,
  options: AuditOptions = {},
  startedAt: number = performance.now(),
): AuditResult {
  const lookup = buildLookup(model);
  const ruleOptions: RuleOptions = { ...DEFAULT_RULE_OPTIONS, ...options.ruleOptions };
  const tableTypes = classifyTables(model, lookup);
  const workload = options.workload ?? null;
  const plans = options.plans ?? null;
  const findings = (options.rules ?? allRules).flatMap((rule) => rule.check({ model, lookup, options: ruleOptions, tableTypes, workload, plans }));
  findings.sort(compareFindings);
  return {
    version: 1,
    target: {
      ...target,
      dialect: model.dialect,
      database: model.database.name,
      serverVersion: model.database.serverVersion,
      schemas: model.schemas,
    },
    summary: summarize(findings, model, performance.now() - startedAt),
    findings,
    tables: tableTypes.all,
    model,
    workload,
    plans,
  };
}

/** Reads a PostgreSQL database (a server or PGlite) and audits it. */
export async function auditPostgres(
  db: Queryable,
  target: Omit<TargetInfo, 'serverVersion' | 'schemas' | 'dialect' | 'database'>,
  options: AuditOptions = {},
): Promise<AuditResult> {
  const startedAt = performance.now();
  const model = await introspectPostgres(db, { schemas: options.schemas ?? [] });
  let plans = options.plans ?? null;
  if (plans === null && options.workload && options.workload.queries.length > 0 && options.planner !== false) {
    // Rules are synchronous: the planner's answers are gathered first, in a read-only transaction of their own.
    plans = await collectPlanEvidence(db, model, options.workload, { settings: options.planner ?? {} }).catch((error: unknown) => failedPlanEvidence(error));
  }
  return auditModel(model, target, { ...options, plans }, startedAt);
}
