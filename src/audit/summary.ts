import { DEFAULT_RULE_OPTIONS, type Finding, type RuleOptions, type Severity } from '../rules/types.js';
import { statisticsTrust } from '../rules/context/trust.js';
import { statisticsNodesOf } from '../rules/context/trust.js';
import type { SchemaModel } from '../model/types.js';
import type { AuditStatus, AuditSummary } from './types.js';

function countBy<K extends string>(findings: readonly Finding[], key: (f: Finding) => K): Record<K, number> {
  const counts = {} as Record<K, number>;
  for (const f of findings) counts[key(f)] = (counts[key(f)] ?? 0) + 1;
  return counts;
}

/** Whether a statement begins with `word` (any case, after blanks); no regex: this runs once per finding. */
function startsWithWord(statement: string, word: string): boolean {
  const start = statement.length - statement.trimStart().length;
  return statement.slice(start, start + word.length).toUpperCase() === word;
}

/** DROP INDEX …, or ALTER TABLE … DROP CONSTRAINT … (an index that backs a constraint). */
function dropsAnIndex(statement: string): boolean {
  return (
    startsWithWord(statement, 'DROP INDEX') ||
    (startsWithWord(statement, 'ALTER TABLE') && statement.toUpperCase().includes(' DROP CONSTRAINT '))
  );
}

/** Bytes freed by the findings that drop an index, each index counted once. */
export function reclaimableBytes(findings: readonly Finding[], model: SchemaModel): number {
  // Per schema, then by name: no key strings built per index and per finding.
  const sizes = new Map<string, Map<string, number>>();
  for (const i of model.indexes) {
    let bySchema = sizes.get(i.schema);
    if (!bySchema) sizes.set(i.schema, (bySchema = new Map()));
    bySchema.set(i.name, i.sizeBytes ?? 0);
  }
  let total = 0;
  for (const f of findings) {
    if (!f.index || !f.fix || !f.fix.up.some(dropsAnIndex) || f.fix.up.some((s) => startsWithWord(s, 'CREATE'))) continue;
    const bySchema = sizes.get(f.schema);
    const size = bySchema?.get(f.index);
    if (size === undefined) continue;
    total += size;
    bySchema!.delete(f.index); // counted once, whichever findings drop it
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
export function summarize(
  findings: readonly Finding[],
  model: SchemaModel,
  durationMs: number,
  options: RuleOptions = DEFAULT_RULE_OPTIONS,
  primaryName?: string,
): AuditSummary {
  const bySeverity: Record<Severity, number> = { critical: 0, medium: 0, low: 0 };
  for (const f of findings) bySeverity[f.severity] += 1;
  return {
    ...statusOf(findings, bySeverity),
    findings: findings.length,
    bySeverity,
    byRule: countBy(findings, (f) => f.rule),
    tables: model.tables.length,
    indexes: model.indexes.length,
    foreignKeys: model.foreignKeys.length,
    reclaimableBytes: reclaimableBytes(findings, model),
    limitations: model.limitations,
    statistics: statisticsTrust(model, options, statisticsNodesOf(model, primaryName)),
    durationMs: Math.round(durationMs),
  };
}
