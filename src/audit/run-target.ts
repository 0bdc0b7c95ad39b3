/**
 * Audits any target (PostgreSQL, MySQL/MariaDB, SQLite).
 *
 * A MySQL or SQLite target is read into the model and the rules run on it, their actions written
 * by the dialect's own DDL emitter; the PostgreSQL-only steps (workload from pg_stat_statements and
 * logs, the planner's hypothetical indexes, replicas) are skipped, and the model's limitations say so.
 */
import type { SchemaModel } from '../model/types.js';
import type { AuditTarget } from '../sources/types.js';
import { auditModel, auditPostgres, type AuditOptions } from './run.js';
import type { AuditResult } from './types.js';

/** What an audit of a MySQL or SQLite target leaves out for now, in the model's limitations. */
function withPhaseOneLimitations(model: SchemaModel, options: AuditOptions): SchemaModel {
  const sources = options.workloadSources;
  const queryFilesGiven = (sources?.logFiles?.length ?? 0) + (sources?.queryFiles?.length ?? 0) > 0 || sources?.queryText !== undefined;
  return {
    ...model,
    limitations: [
      ...model.limitations,
      ...(queryFilesGiven ? ['query files and logs are read for PostgreSQL targets only so far: they were not used'] : []),
    ],
  };
}

/** The target's own annotations (file locations of a schema file or models), then the caller's (`--models`). */
function withTargetAnnotations(
  target: { readonly annotateModel?: (model: SchemaModel) => SchemaModel },
  options: AuditOptions,
): AuditOptions {
  const own = target.annotateModel;
  const given = options.annotateModel;
  if (!own) return options;
  return { ...options, annotateModel: given ? (model) => given(own(model)) : own };
}

/** Reads the target and runs the rules: PostgreSQL through {@link auditPostgres}, the others through their model. */
export async function auditTarget(target: AuditTarget, options: AuditOptions = {}): Promise<AuditResult> {
  if (target.dialect === 'postgres') return auditPostgres(target.db, target.info, withTargetAnnotations(target, options));
  const startedAt = performance.now();
  options.progress?.phase('reading the catalog and statistics');
  const read = await target.readModel({ schemas: options.schemas ?? [] });
  const model = withPhaseOneLimitations(options.annotateModel ? options.annotateModel(read) : read, options);
  return auditModel(model, target.info, { ...options, workload: options.workload ?? null, plans: null, replicas: [] }, startedAt);
}
