import type { SchemaModel } from '../model/types.js';
import { isScratchCopy } from '../model/target.js';
import { introspectPostgres } from '../dialects/postgres/introspect/index.js';
import type { Queryable } from '../dialects/types.js';
import { allRules } from '../rules/index.js';
import { severityRank, type Finding, type Rule, type RuleOptions } from '../rules/types.js';
import { summarize } from './summary.js';
import { withLocations } from './locations.js';
import { withFixes } from './fixes.js';
import { withFingerprints } from './fingerprints.js';
import { buildRuleContext } from '../rules/context/build.js';
import { emitterFor } from '../dialects/emitters.js';
import type { TableTypeOverride } from '../rules/context/classify.js';
import { applyIgnores } from '../config/apply.js';
import type { IgnoreEntry } from '../config/schema.js';
import { notAStandbyOf, readNodeIndexUsage, readSystemIdentifier, withNodeUsage } from '../dialects/postgres/introspect/replica-usage.js';
import { UserError } from '../util/errors.js';
import type { Workload } from '../model/workload.js';
import { readWorkload } from '../workload/read.js';
import { collectPlanEvidence, failedPlanEvidence } from '../workload/plans/collect.js';
import type { PlanEvidence, PlannerSettings } from '../workload/plans/types.js';
import type { AuditResult, TargetInfo } from './types.js';
import { silentProgress, type ProgressReporter } from '../util/progress.js';

/** How to audit. */
export interface AuditOptions {
  /** Schemas to audit; all user schemas when empty. */
  readonly schemas?: readonly string[];
  /** Rules to run; all when absent. */
  readonly rules?: readonly Rule[];
  readonly ruleOptions?: Partial<RuleOptions>;
  /** The queries the database runs, when known. */
  readonly workload?: Workload | null;
  /**
   * Where auditPostgres reads the workload from when `workload` is not given: log and query
   * files, and the target's pg_stat_statements unless `statStatements` is false.
   */
  readonly workloadSources?: WorkloadSources;
  /** What the planner said about the workload (auditPostgres collects it when a workload is given). */
  readonly plans?: PlanEvidence | null;
  /** Settings of the planner step, or false to skip it. */
  readonly planner?: Partial<PlannerSettings> | false;
  /** Table types forced by configuration. */
  readonly tableTypes?: readonly TableTypeOverride[];
  /** Findings to silence (each with its reason); they go to `suppressed`, not `findings`. */
  readonly ignore?: readonly IgnoreEntry[];
  /** Standbys whose index usage counts too (auditPostgres reads them); `name` must hold no credentials. */
  readonly replicas?: readonly ReplicaSource[];
  /** What the target's source adds to the model it reads (file locations, load limitations). */
  readonly annotateModel?: (model: SchemaModel) => SchemaModel;
  /** Hears the audit's phases (catalog, workload, planner, rules); silent by default. */
  readonly progress?: ProgressReporter;
}

/** Query sources for {@link AuditOptions.workloadSources}. */
export interface WorkloadSources {
  readonly logFiles?: readonly string[];
  readonly queryFiles?: readonly string[];
  /** Read pg_stat_statements of the audited database (default true). */
  readonly statStatements?: boolean;
  /** SQL text read like a query file (the demo's queries; a library caller's own list). */
  readonly queryText?: string;
}

/** A standby to read index usage from. */
export interface ReplicaSource {
  /** How the node is shown in reports: a URL without credentials. */
  readonly name: string;
  readonly db: Queryable;
}

/**
 * A schema file is loaded into a scratch database: its counters, sizes and server settings
 * describe that scratch database (empty tables, nothing ever scanned), not the application's, so
 * they are marked unknown rather than reported as "8 kB, 0 scans".
 */
function withoutScratchStatistics(model: SchemaModel, kind: TargetInfo['kind']): SchemaModel {
  if (!isScratchCopy(kind)) return model;
  return {
    ...model,
    tables: model.tables.map((t) => ({ ...t, sizeBytes: null, indexesSizeBytes: null, usage: null })),
    indexes: model.indexes.map((i) => ({ ...i, sizeBytes: null, usage: null })),
    capabilities: { ...model.capabilities, usageStatistics: false, sizes: false, serverSettings: false },
    limitations: [
      ...model.limitations,
      `${kind === 'models' ? 'models have' : 'a schema file has'} no usage statistics or server settings: unused indexes, table types by traffic and monitoring readiness are not judged`,
    ],
  };
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
  model = withoutScratchStatistics(model, target.kind);
  (options.progress ?? silentProgress).phase(`running ${(options.rules ?? allRules).length} rules`);
  const context = buildRuleContext({
    model,
    ...(options.ruleOptions ? { options: options.ruleOptions } : {}),
    tableTypes: options.tableTypes ?? [],
    workload: options.workload ?? null,
    plans: options.plans ?? null,
    primaryName: target.name,
  });
  const { options: ruleOptions, tableTypes, workload, plans } = context;
  const all = (options.rules ?? allRules).flatMap((rule) => rule.check(context));
  all.sort(compareFindings);
  const located = withFingerprints(
    withLocations(withFixes(all, emitterFor(model.dialect, model.capabilities, model.tables)), model),
    model,
  );
  const { kept: findings, suppressed } = applyIgnores(located, options.ignore ?? []);
  return {
    version: 1,
    target: {
      ...target,
      dialect: model.dialect,
      database: model.database.name,
      serverVersion: model.database.serverVersion,
      schemas: model.schemas,
    },
    summary: summarize(findings, model, performance.now() - startedAt, ruleOptions, target.name),
    findings,
    suppressed,
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
  const progress = options.progress ?? silentProgress;
  progress.phase('reading the catalog and statistics');
  let model = await introspectPostgres(db, { schemas: options.schemas ?? [] });
  if (options.annotateModel) model = options.annotateModel(model);
  if (options.replicas && options.replicas.length > 0) {
    // Only a standby of this very server may add its scans: anything else is refused, never counted.
    const primaryId = await readSystemIdentifier(db);
    const usage = [];
    progress.phase(`reading index usage on ${options.replicas.length} standby${options.replicas.length === 1 ? '' : 's'}`);
    for (const replica of options.replicas) {
      const node = await readNodeIndexUsage(replica.db, replica.name, options.schemas ?? []);
      const refused = notAStandbyOf(primaryId, node);
      if (refused !== null) throw new UserError(refused);
      usage.push(node);
    }
    model = withNodeUsage(model, target.name, usage);
  }
  const sources = options.workloadSources;
  if (options.workload === undefined && sources) {
    progress.phase('reading the workload');
    const workload = await readWorkload({
      model,
      db: sources.statStatements === false ? undefined : db,
      logFiles: sources.logFiles ?? [],
      queryFiles: sources.queryFiles ?? [],
      ...(sources.queryText !== undefined ? { queryText: sources.queryText } : {}),
    });
    options = { ...options, workload };
  }
  let plans = options.plans ?? null;
  if (plans === null && options.workload && options.workload.queries.length > 0 && options.planner !== false) {
    progress.phase(`asking the planner about ${options.workload.queries.length} queries`);
    // Rules are synchronous: the planner's answers are gathered first, in a read-only transaction of their own.
    plans = await collectPlanEvidence(db, model, options.workload, { settings: options.planner ?? {} }).catch((error: unknown) =>
      failedPlanEvidence(error),
    );
  }
  return auditModel(model, target, { ...options, plans }, startedAt);
}
