import { DEFAULT_RULE_OPTIONS, type Finding, type RuleOptions, type Severity } from '../rules/types.js';
import { statisticsTrust } from '../rules/context/trust.js';
import { statisticsNodesOf } from '../rules/context/trust.js';
import type { SchemaModel } from '../model/types.js';
import type { AuditSummary } from './types.js';

function countBy<K extends string>(findings: readonly Finding[], key: (f: Finding) => K): Record<K, number> {
  const counts = {} as Record<K, number>;
  for (const f of findings) counts[key(f)] = (counts[key(f)] ?? 0) + 1;
  return counts;
}

/**
 * Bytes freed by the indexes the findings' actions drop, each index counted once whichever findings
 * drop it; a finding that replaces an index (creates one in its place) frees nothing for sure.
 */
function reclaimableBytes(findings: readonly Finding[], model: SchemaModel): number {
  const sizes = new Map(model.indexes.map((i) => [`${i.schema}\u0000${i.table}\u0000${i.name}`, i.sizeBytes ?? 0]));
  const counted = new Set<string>();
  let total = 0;
  for (const f of findings) {
    const actions = f.actions ?? [];
    if (actions.some((a) => a.kind === 'create-index')) continue;
    for (const a of actions) {
      if (a.kind !== 'drop-index' && a.kind !== 'drop-constraint') continue;
      const key = `${a.index.schema}\u0000${a.index.table}\u0000${a.index.name}`;
      if (counted.has(key)) continue;
      counted.add(key);
      total += sizes.get(key) ?? 0;
    }
  }
  return total;
}

function plural(count: number, word: string, words = `${word}s`): string {
  return `${count} ${count === 1 ? word : words}`;
}

/** Critical findings from this many on put the whole database at risk rather than needing refinement. */
const MANY_CRITICAL = 10;

/**
 * Status and risk in the seed's terms. Duplicate and redundant indexes waste resources but do
 * not break anything, so they make a database NEEDS REFINEMENT; an invalid index (a uniqueness
 * or speed that is not there) or a large number of critical findings make it AT RISK.
 */
function statusOf(
  findings: readonly Finding[],
  bySeverity: Record<Severity, number>,
): Pick<AuditSummary, 'status' | 'riskLevel' | 'riskReason'> {
  const invalid = findings.filter((f) => f.rule === 'invalid-index').length;
  if (invalid > 0 || bySeverity.critical >= MANY_CRITICAL) {
    const reasons = [
      ...(invalid > 0 ? [`${plural(invalid, 'invalid index', 'invalid indexes')} that no query can use`] : []),
      ...(bySeverity.critical > 0 ? [plural(bySeverity.critical, 'critical finding')] : []),
    ];
    return {
      status: 'AT RISK',
      riskLevel: 'high',
      riskReason: `${reasons.join(' and ')}: the indexes do not give the speed or guarantees they appear to.`,
    };
  }
  if (bySeverity.critical > 0 || bySeverity.medium > 0) {
    return {
      status: 'NEEDS REFINEMENT',
      riskLevel: 'medium',
      riskReason: `${plural(bySeverity.critical + bySeverity.medium, 'finding')} at critical or medium severity: duplicate and redundant indexes waste space and write time, and unindexed foreign keys slow down deletes, but nothing is broken.`,
    };
  }
  if (bySeverity.low > 0) {
    return { status: 'HEALTHY', riskLevel: 'low', riskReason: `Only ${plural(bySeverity.low, 'low-severity hint')}.` };
  }
  return { status: 'HEALTHY', riskLevel: 'none', riskReason: 'No index problems were found.' };
}

/** Builds the summary of an audit. */
/** The counts of a summary that follow from the findings alone (status, risk, counts, reclaimable bytes). */
export function findingCounts(
  findings: readonly Finding[],
  model: SchemaModel,
): Pick<AuditSummary, 'status' | 'riskLevel' | 'riskReason' | 'findings' | 'bySeverity' | 'byRule' | 'reclaimableBytes'> {
  const bySeverity: Record<Severity, number> = { critical: 0, medium: 0, low: 0 };
  for (const f of findings) bySeverity[f.severity] += 1;
  return {
    ...statusOf(findings, bySeverity),
    findings: findings.length,
    bySeverity,
    byRule: countBy(findings, (f) => f.rule),
    reclaimableBytes: reclaimableBytes(findings, model),
  };
}

/** The summary of an audit: counts, status and risk, what the model could not see, and how far the statistics can be trusted. */
export function summarize(
  findings: readonly Finding[],
  model: SchemaModel,
  durationMs: number,
  options: RuleOptions = DEFAULT_RULE_OPTIONS,
  primaryName?: string,
): AuditSummary {
  return {
    ...findingCounts(findings, model),
    tables: model.tables.length,
    indexes: model.indexes.length,
    foreignKeys: model.foreignKeys.length,
    limitations: model.limitations,
    statistics: statisticsTrust(model, options, statisticsNodesOf(model, primaryName)),
    durationMs: Math.round(durationMs),
  };
}
