/**
 * Audits any target (PostgreSQL, MySQL/MariaDB, SQLite).
 *
 * PHASE 1 of "MySQL/MariaDB and SQLite audits", to be folded into the core: a MySQL or SQLite
 * target is read into the model and the rules run on it as they are; the PostgreSQL-only steps
 * (workload from pg_stat_statements and logs, the planner, replicas) are skipped, and findings
 * carry no fix, because the fixes the rules write are PostgreSQL DDL. Both say so in the model's
 * limitations. The rules' MySQL/SQLite semantics and a per-dialect DDL emitter come next.
 */
import type { SchemaModel } from '../model/types.js';
import type { AuditTarget } from '../sources/types.js';
import { auditModel, auditPostgres, type AuditOptions } from './run.js';
import type { AuditResult } from './types.js';
import type { Finding } from '../rules/types.js';

/** What an audit of a MySQL or SQLite target leaves out for now, in the model's limitations. */
function withPhaseOneLimitations(model: SchemaModel, options: AuditOptions): SchemaModel {
  const sources = options.workloadSources;
  const queryFilesGiven = (sources?.logFiles?.length ?? 0) + (sources?.queryFiles?.length ?? 0) > 0 || sources?.queryText !== undefined;
  return {
    ...model,
    limitations: [
      ...model.limitations,
      `dbdoctor writes no fixes for ${model.dialect === 'mysql' ? 'MySQL/MariaDB' : 'SQLite'} yet: findings say what to change, without the statements`,
      ...(queryFilesGiven ? ['query files and logs are read for PostgreSQL targets only so far: they were not used'] : []),
    ],
  };
}

/** Reads the target and runs the rules: PostgreSQL through {@link auditPostgres}, the others through their model. */
export async function auditTarget(target: AuditTarget, options: AuditOptions = {}): Promise<AuditResult> {
  if (target.dialect === 'postgres') return auditPostgres(target.db, target.info, options);
  const startedAt = performance.now();
  options.progress?.phase('reading the catalog and statistics');
  const model = withPhaseOneLimitations(await target.readModel({ schemas: options.schemas ?? [] }), options);
  const result = auditModel(model, target.info, { ...options, workload: options.workload ?? null, plans: null, replicas: [] }, startedAt);
  // The rules write PostgreSQL statements; none of them may reach a MySQL or SQLite user as a fix.
  return {
    ...result,
    findings: result.findings.map(withoutFix),
    ...(result.suppressed ? { suppressed: result.suppressed.map((s) => ({ ...s, finding: withoutFix(s.finding) })) } : {}),
  };
}

function withoutFix(finding: Finding): Finding {
  const { fix, ...rest } = finding;
  return fix === undefined ? finding : rest;
}
