import { dropAction, createAction, newIndexSpec } from './_actions.js';
import { defineRule } from './define-rule.js';
import { indexEvidence, keyList, tableEvidence, writesOf } from './_evidence.js';
import { queryEvidence, queryPrefixUse, type UnjustifiedComposite } from './_workload-evidence.js';
import type { FixAction } from '../model/actions.js';
import type { Finding, RuleOptions, Severity } from './types.js';

/** An index this large, or this many writes to its table, make the unused keys worth removing soon. */
const MEDIUM_SIZE_BYTES = 64 * 1024 * 1024;
const MEDIUM_WRITES_FACTOR = 100;

function severityOf(u: UnjustifiedComposite, writes: number | null, isLog: boolean, options: RuleOptions): Severity {
  if (isLog) return 'medium';
  if ((u.index.sizeBytes ?? 0) >= MEDIUM_SIZE_BYTES) return 'medium';
  if ((writes ?? 0) >= options.trafficActivityThreshold * MEDIUM_WRITES_FACTOR) return 'medium';
  return 'low';
}

/**
 * A composite index whose later keys no query of the workload uses together with its leading
 * ones (the seed's Rule 2: a composite pays only when queries use its columns together). The
 * unused keys make every write to the index wider and slower and the index larger, for nothing.
 * Reported only with a workload that touches the table, never for an index that enforces
 * uniqueness or a constraint.
 */
export const unjustifiedCompositeIndex = defineRule({
  id: 'unjustified-composite-index',
  severity: 'low',
  docs: { description: 'Composite indexes whose later columns no query of the workload uses together with the leading ones.' },
  check(context) {
    const { model, lookup, tableTypes, options, facts } = context;
    const findings: Finding[] = [];
    for (const u of facts.unjustified) {
      const { index, usedKeys } = u;
      const table = lookup.table(index.schema, index.table);
      const writes = writesOf(table?.usage ?? null);
      const isLog = tableTypes.of(index.schema, index.table)?.type === 'log';
      const keys = keyList(index);
      const used = keys.slice(0, usedKeys);
      const unused = keys.slice(usedKeys);
      const queries = u.prefixQueries.map((q) => ({ ...queryEvidence(q), keysUsed: queryPrefixUse(index, q, facts.matchOptions) }));
      const calls = u.prefixQueries.reduce((n, q) => n + (q.calls ?? 0), 0);
      const why = `no query of the workload uses ${unused.join(', ')} together with ${used.join(', ')}; ${u.prefixQueries.length} ${u.prefixQueries.length === 1 ? 'query uses' : 'queries use'} only (${used.join(', ')})${calls > 0 ? ` (${calls.toLocaleString('en-US')} calls)` : ''}`;
      const writeCost = isLog ? ` ${index.table} is a log table: every insert pays for the wider index.` : '';
      let actions: FixAction[];
      let help: string;
      if (u.prefixServedBy) {
        actions = [dropAction(index, model)];
        const idle = facts.usage.scans(u.prefixServedBy) === 0;
        // Its scans went to the composite; an unused-index finding on it must not be followed together with this one.
        help = `Drop ${index.name}: ${u.prefixServedBy.name} already serves (${used.join(', ')})${idle ? `; keep ${u.prefixServedBy.name} even though it shows no scans: the planner used ${index.name} for those queries until now` : ''}.`;
      } else {
        const name = facts.names.indexName(index.schema, index.table, used);
        // The used keys exactly as they are (operator class, collation, direction): the queries need them so.
        const prefix = newIndexSpec({ schema: index.schema, name: index.table }, name, index.keys.slice(0, usedKeys), {
          method: index.method,
          predicate: index.predicate,
          tablespace: index.tablespace,
        });
        // The prefix index is built before the composite is dropped, so lookups on the leading keys always have an index.
        actions = [createAction(prefix, table, model, facts.names, used), dropAction(index, model)];
        help = `Replace ${index.name} with an index on (${used.join(', ')}) named ${name}; add the other columns back when a query needs them together.`;
      }
      findings.push({
        rule: 'unjustified-composite-index',
        severity: severityOf(u, writes, isLog, options),
        schema: index.schema,
        table: index.table,
        index: index.name,
        columns: keys,
        ...(u.prefixServedBy ? { coveredBy: u.prefixServedBy.name } : {}),
        message: `Composite index ${index.name} on ${index.schema}.${index.table} (${keys.join(', ')}) is not justified by the workload: ${why}.${writeCost}`,
        help,
        evidence: {
          index: indexEvidence(index),
          usedKeys: used,
          unusedKeys: unused,
          queriesUsingOnlyThePrefix: queries,
          prefixServedBy: u.prefixServedBy ? indexEvidence(u.prefixServedBy) : null,
          tableType: tableTypes.of(index.schema, index.table)?.type ?? 'unknown',
          table: tableEvidence(table),
          writesSinceStatsReset: writes,
          workloadQueries: context.workload?.queries.length ?? 0,
        },
        actions,
      });
    }
    return findings;
  },
});
