import type { Column, Index, Table } from '../model/types.js';
import { defineRule } from './define-rule.js';
import { tableEvidence } from './_evidence.js';
import { partitioningPlan } from './_partitioning.js';
import { formatBytes, formatCount, percent } from './_statistics.js';
import type { Finding, RuleOptions } from './types.js';

/** Names that say a column records when a row was written. */
const WRITE_TIME_NAME =
  /^(created|inserted|logged|occurred|recorded|received|requested|event|sent)_?(at|on|time|timestamp|date|ts)$|^(timestamp|ts|time|event_time|log_time)$/i;

/**
 * The column to partition by: a date/time column, preferably one named for the write time, NOT
 * NULL, physically in step with insertion order (correlation near 1) and already indexed.
 */
function timeColumnOf(table: Table, indexes: readonly Index[]): { column: Column; reasons: string[] } | null {
  let best: { column: Column; reasons: string[]; score: number } | null = null;
  for (const column of table.columns) {
    if (column.typeCategory !== 'datetime') continue;
    const reasons: string[] = [];
    let score = 0;
    if (WRITE_TIME_NAME.test(column.name)) {
      score += 4;
      reasons.push('named for the write time');
    }
    if (column.notNull) {
      score += 2;
      reasons.push('NOT NULL');
    }
    const correlation = column.statistics?.correlation ?? null;
    if (correlation !== null && Math.abs(correlation) >= 0.9) {
      score += 2;
      reasons.push(`rows are stored in its order (correlation ${correlation.toFixed(2)})`);
    }
    if (indexes.some((i) => i.valid && i.keys[0]?.column === column.name)) {
      score += 1;
      reasons.push('already indexed');
    }
    if (best === null || score > best.score) best = { column, reasons, score };
  }
  return best === null ? null : { column: best.column, reasons: best.reasons };
}

function isLarge(table: Table, options: RuleOptions): boolean {
  return (table.rowEstimate ?? 0) >= options.partitionMinRows || (table.sizeBytes ?? 0) >= options.partitionMinBytes;
}

/**
 * A large, append-mostly log table with a time column: declarative RANGE partitioning by month
 * makes time-range reads scan only their months and turns retention into dropping a partition.
 * The plan (DDL, migration, monthly maintenance) is in the evidence and is never applied as a fix:
 * it rewrites the table, changes its primary key and needs a decision on when to swap.
 */
export const partitionCandidate = defineRule({
  id: 'partition-candidate',
  severity: 'low',
  docs: {
    description: 'Large append-mostly log tables with a time column: monthly RANGE partitioning instead of more indexes, with the DDL.',
  },
  check({ model, lookup, options, tableTypes }) {
    // The plan is PostgreSQL's DDL: where dbdoctor cannot write the engine's own, it proposes none.
    if (model.capabilities.partitioningPlan === false) return [];
    const findings: Finding[] = [];
    const readAt = new Date(model.database.readAt);
    for (const table of model.tables) {
      if (table.kind !== 'table') continue;
      const classification = tableTypes.of(table.schema, table.name);
      if (classification?.type !== 'log' || !isLarge(table, options)) continue;
      const indexes = lookup.indexesOf(table);
      const time = timeColumnOf(table, indexes);
      if (time === null) continue;
      const plan = partitioningPlan(
        table,
        time.column,
        indexes,
        lookup.foreignKeysOf(table),
        lookup.foreignKeysReferencing(table),
        Number.isNaN(readAt.getTime()) ? new Date() : readAt,
        options.partitionRetentionMonths,
      );
      const u = table.usage;
      const writes = u ? u.inserts + u.updates + u.deletes : 0;
      const size = [
        table.rowEstimate !== null ? `~${formatCount(table.rowEstimate)} rows` : null,
        table.sizeBytes !== null ? formatBytes(table.sizeBytes) : null,
      ].filter((s) => s !== null);
      const thresholds = `partitioning from ${formatCount(options.partitionMinRows)} rows or ${formatBytes(options.partitionMinBytes)}`;
      const activity = u && writes > 0 ? `, ${percent(u.inserts / writes)} of its writes are inserts` : '';
      const deletes =
        u && u.deletes > 0
          ? `; ${formatCount(u.deletes)} rows were deleted since the statistics reset, which dropping old partitions would replace without bloat or VACUUM work`
          : '';
      findings.push({
        rule: 'partition-candidate',
        severity: 'low',
        schema: table.schema,
        table: table.name,
        columns: [time.column.name],
        message: `${table.schema}.${table.name} is a large log table (${size.join(', ')}; ${thresholds}${activity}) with a time column, ${time.column.name}: partition it by month on ${time.column.name} instead of adding indexes${deletes}.`,
        help: `Create ${plan.newTable} PARTITION BY RANGE (${time.column.name}) with monthly partitions, copy the rows and swap the names (the statements are in evidence.partitioning), then drop whole months past the retention period instead of DELETE.`,
        evidence: {
          table: tableEvidence(table),
          tableType: { type: classification.type, confidence: classification.confidence, evidence: [...classification.evidence] },
          partitionKey: { column: time.column.name, type: time.column.type, why: time.reasons },
          partitioning: {
            strategy: 'RANGE, one partition per month',
            newTable: plan.newTable,
            primaryKey: [...plan.primaryKey],
            columns: table.columns.map((c) => `${c.name} ${c.type}${c.notNull ? ' NOT NULL' : ''}`),
            create: [...plan.create],
            migrate: [...plan.migrate],
            maintainMonthly: [...plan.maintain],
            retentionMonths: options.partitionRetentionMonths,
            notes: [...plan.notes],
          },
          notAutoApplied:
            'Partitioning rewrites the table and changes its primary key; run the statements deliberately, in a maintenance window for the swap.',
        },
      });
    }
    return findings;
  },
});
