import type { Column, Index, SchemaModel, Table } from '../model/types.js';
import { newIndexSpec, plainKey } from '../model/actions.js';
import { emitterFor } from '../dialects/emitters.js';
import { quoteIdent, quoteQualified, truncateIdentifier } from '../sql/quote.js';
import { defineRule } from './define-rule.js';
import { indexEvidence, keyList, tableEvidence } from './_evidence.js';
import { isUsable } from '../semantics/coverage.js';
import { columnOf, columnStatisticsEvidence, formatCount } from './_statistics.js';
import type { Finding, RuleContext } from './types.js';
import type { ColumnUseKind, Workload } from '../model/workload.js';
import { sameTable } from '../sql/resolve.js';

/** Kinds of condition a B-tree key can search by. */
const SEARCHABLE = new Set<ColumnUseKind>(['equality', 'in', 'range', 'like-prefix', 'join']);
/** Kinds that pin a leading key to one value (or a few), so the keys after it are searchable. */
const PINNING = new Set<ColumnUseKind>(['equality', 'in', 'join']);

/** What the known queries do with the two columns: the ones reordering would help, and the ones it serves now. */
interface QueryEvidence {
  /** Queries that search the selective column without pinning the leading one. */
  readonly withoutLeading: readonly string[];
  /** Queries that pin the leading column (the current order serves them). */
  readonly pinningLeading: readonly string[];
}

function queryEvidence(
  workload: Workload | null,
  queriesOn: RuleContext['facts']['queriesOn'],
  index: Index,
  leading: string,
  later: string,
): QueryEvidence | null {
  // Without a source of queries nothing is known about them: never conclude "no query needs it".
  if (workload === null || (workload.sources ?? []).length === 0) return null;
  const table = { schema: index.schema, name: index.table };
  const withoutLeading = new Set<string>();
  const pinningLeading = new Set<string>();
  for (const query of queriesOn(table)) {
    for (const group of query.groups) {
      if (!sameTable(group.table, table)) continue;
      const plain = group.conditions.filter((u) => u.expression === undefined);
      const pins = plain.some((u) => u.column === leading && PINNING.has(u.kind));
      const searchesLater = plain.some((u) => u.column === later && SEARCHABLE.has(u.kind));
      if (pins) pinningLeading.add(query.text);
      else if (searchesLater) withoutLeading.add(query.text);
    }
  }
  return { withoutLeading: [...withoutLeading], pinningLeading: [...pinningLeading] };
}

/**
 * A composite B-tree index whose leading column is far less selective (pg_stats distinct values)
 * than a later one. A low-severity hint, never a fix: the order is right when every query has an
 * equality on the leading column, when the later column is ranged or sorted on, or when the
 * leading column is also searched alone.
 */
export const compositeColumnOrder = defineRule({
  id: 'composite-column-order',
  severity: 'low',
  docs: {
    description:
      'Composite B-tree indexes led by a column far less selective than a later one (a hint, with when the order is still right).',
  },
  check({ model, lookup, options, workload, facts }) {
    const findings: Finding[] = [];
    for (const index of model.indexes) {
      if (!isUsable(index) || index.method !== 'btree' || index.keys.length < 2 || index.parentIndex !== null) continue;
      // Key order of a constraint's index is the constraint's column order, chosen for its own reasons.
      if (index.primary || index.constraint !== null) continue;
      const table = lookup.table(index.schema, index.table);
      if (!table || table.rowEstimate === null || table.rowEstimate < options.cardinalityMinRows) continue;
      const columns = index.keys.map((k) => (k.kind === 'column' ? columnOf(table, k.column) : undefined));
      const leading = columns[0];
      const leadingDistinct = leading?.statistics?.distinctValues ?? null;
      if (!leading || leadingDistinct === null) continue;
      // The most selective later column, if it is selective enough to matter.
      let best: { column: Column; position: number; distinct: number } | null = null;
      for (let position = 1; position < columns.length; position++) {
        const column = columns[position];
        const distinct = column?.statistics?.distinctValues ?? null;
        if (!column || distinct === null || distinct < leadingDistinct * options.compositeOrderSelectivityRatio) continue;
        if (best === null || distinct > best.distinct) best = { column, position, distinct };
      }
      if (best === null) continue;
      // When the queries are known and none searches the selective column without the leading one, the order serves them all.
      const queries = queryEvidence(workload, facts.queriesOn, index, leading.name, best.column.name);
      if (queries !== null && queries.withoutLeading.length === 0) continue;
      findings.push(findingFor(index, leading, leadingDistinct, best, lookup.indexesOf(table), model, table, queries));
    }
    return findings;
  },
});

function findingFor(
  index: Index,
  leading: Column,
  leadingDistinct: number,
  later: { column: Column; position: number; distinct: number },
  tableIndexes: readonly Index[],
  model: SchemaModel,
  table: Table,
  queries: QueryEvidence | null,
): Finding {
  const rows = table.rowEstimate ?? 0;
  const where = `${index.schema}.${index.table}`;
  const keys = keyList(index);
  const reordered = [keys[later.position]!, ...keys.filter((_, i) => i !== later.position)];
  const name = truncateIdentifier(`${index.table}_${reordered.join('_')}_idx`);
  // PostgreSQL builds it concurrently; other engines get their own statement (their quoting, no CONCURRENTLY).
  const suggested = model.capabilities.concurrentIndexBuild
    ? `CREATE INDEX CONCURRENTLY ${quoteIdent(name)} ON ${quoteQualified(index.schema, index.table)} (${reordered.map((k) => quoteIdent(k)).join(', ')})`
    : (emitterFor(model.dialect, model.capabilities, model.tables)?.describeCreate(
        newIndexSpec(
          { schema: index.schema, name: index.table },
          name,
          reordered.map((k) => plainKey(k)),
        ),
      ) ?? null);
  const ledByLater = tableIndexes.filter((i) => i !== index && isUsable(i) && i.keys[0]?.column === later.column.name).map((i) => i.name);
  const ledByLeadingAlone = tableIndexes
    .filter((i) => i !== index && isUsable(i) && i.keys.length === 1 && i.keys[0]?.column === leading.name)
    .map((i) => i.name);
  // A capability, not a version: version numbers of other engines (SQLite 3.x is 3,0xx,0xx) say nothing of PostgreSQL's planner.
  const skipScan = model.capabilities.btreeSkipScan === true;

  const stillRight = [
    `every query using it has an equality on ${leading.name} (then the order barely matters for equality lookups)`,
    `queries range over or ORDER BY ${later.column.name} after an equality on ${leading.name}`,
    `queries search ${leading.name} alone and this index is what serves them${ledByLeadingAlone.length > 0 ? '' : ' (no other index leads with it)'}`,
  ];
  const context: string[] = [];
  if (ledByLater.length > 0)
    context.push(`${ledByLater.join(', ')} already ${ledByLater.length === 1 ? 'leads' : 'lead'} with ${later.column.name}`);
  if (skipScan)
    context.push(
      `on PostgreSQL 18 and later a B-tree skip scan lets queries on ${later.column.name} alone use this index through the few values of ${leading.name}`,
    );

  return {
    rule: 'composite-column-order',
    severity: 'low',
    schema: index.schema,
    table: index.table,
    index: index.name,
    columns: keys,
    message:
      `Index ${index.name} on ${where} (${keys.join(', ')}) leads with ${leading.name}, which has ~${formatCount(leadingDistinct)} distinct values, ` +
      `while ${later.column.name} has ~${formatCount(later.distinct)} (over ~${formatCount(rows)} rows); queries that do not pin ${leading.name} cannot search it by ${later.column.name}` +
      (queries === null
        ? '.'
        : `, and ${queries.withoutLeading.length === 1 ? 'a known query does' : `${queries.withoutLeading.length} known queries do`} so (e.g. ${queries.withoutLeading[0]}).`),
    help:
      `If queries filter on ${later.column.name} without an equality on ${leading.name}, consider (${reordered.join(', ')}) instead; ` +
      `keep the current order if ${stillRight.join(', or ')}.` +
      (context.length > 0 ? ` Note: ${context.join('; ')}.` : ''),
    evidence: {
      index: indexEvidence(index),
      leadingColumn: columnStatisticsEvidence(leading),
      selectiveColumn: columnStatisticsEvidence(later.column),
      selectivityRatio: Number((later.distinct / Math.max(1, leadingDistinct)).toFixed(1)),
      suggestedDefinition: suggested,
      indexesLedBySelectiveColumn: ledByLater,
      indexesOnLeadingColumnAlone: ledByLeadingAlone,
      btreeSkipScan: skipScan,
      queries:
        queries === null
          ? null
          : { searchSelectiveColumnWithoutLeading: [...queries.withoutLeading], pinLeadingColumn: [...queries.pinningLeading] },
      table: tableEvidence(table),
    },
  };
}
