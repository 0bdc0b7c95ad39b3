import type { Finding, Severity } from '../rules/types.js';
import type { SchemaModel } from '../model/types.js';
import type { AuditStatus, AuditSummary } from './types.js';

function countBy<K extends string>(findings: readonly Finding[], key: (f: Finding) => K): Record<K, number> {
  const counts = {} as Record<K, number>;
  for (const f of findings) counts[key(f)] = (counts[key(f)] ?? 0) + 1;
  return counts;
}

/** Bytes freed by the findings that drop an index, each index counted once. */
export function reclaimableBytes(findings: readonly Finding[], model: SchemaModel): number {
  const sizes = new Map(model.indexes.map((i) => [`${i.schema}.${i.name}`, i.sizeBytes ?? 0]));
  const dropped = new Set<string>();
  for (const f of findings) {
    if (f.index && f.fix?.up.some((s) => /^\s*(DROP INDEX|ALTER TABLE .* DROP CONSTRAINT)/i.test(s)) && !f.fix.up.some((s) => /^\s*CREATE/i.test(s))) {
      dropped.add(`${f.schema}.${f.index}`);
    }
  }
  let total = 0;
  for (const key of dropped) total += sizes.get(key) ?? 0;
  return total;
}

/** Status and risk in the seed's terms, from the most severe finding. */
function statusOf(bySeverity: Record<Severity, number>): Pick<AuditSummary, 'status' | 'riskLevel' | 'riskReason'> {
  if (bySeverity.critical > 0) {
    return {
      status: 'AT RISK' satisfies AuditStatus,
      riskLevel: 'high',
      riskReason: `${bySeverity.critical} critical finding(s): every write maintains indexes that no query needs, or data integrity work is left undone.`,
    };
  }
  if (bySeverity.medium > 0) {
    return {
      status: 'NEEDS REFINEMENT',
      riskLevel: 'medium',
      riskReason: `${bySeverity.medium} medium finding(s): they waste resources or slow down writes and deletes, but do not break functionality.`,
    };
  }
  if (bySeverity.low > 0) {
    return { status: 'HEALTHY', riskLevel: 'low', riskReason: `Only ${bySeverity.low} low-severity hint(s).` };
  }
  return { status: 'HEALTHY', riskLevel: 'none', riskReason: 'No index problems were found.' };
}

/** Builds the summary of an audit. */
export function summarize(findings: readonly Finding[], model: SchemaModel, durationMs: number): AuditSummary {
  const bySeverity: Record<Severity, number> = { critical: 0, medium: 0, low: 0 };
  for (const f of findings) bySeverity[f.severity] += 1;
  return {
    ...statusOf(bySeverity),
    findings: findings.length,
    bySeverity,
    byRule: countBy(findings, (f) => f.rule),
    tables: model.tables.length,
    indexes: model.indexes.length,
    foreignKeys: model.foreignKeys.length,
    reclaimableBytes: reclaimableBytes(findings, model),
    limitations: model.limitations,
    durationMs: Math.round(durationMs),
  };
}
