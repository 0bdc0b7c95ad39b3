import type { Column, ForeignKey, Index, SchemaModel, Table } from '../model/types.js';
import { foreignKeyChecksOnlyServedBy } from '../semantics/foreign-keys.js';
import { dropAction } from './_actions.js';
import { quoteIdent, quoteQualified, truncateIdentifier } from '../sql/quote.js';
import { defineRule } from './define-rule.js';
import { hasRealTraffic, indexEvidence, keyList, tableEvidence } from './_evidence.js';
import { isUsable, whyNotDroppable } from '../semantics/coverage.js';
import {
  columnOf,
  columnStatisticsEvidence,
  displayValue,
  formatCount,
  percent,
  singleColumnKey,
  sqlValue,
  statisticsCaveat,
  times,
  valueShares,
  type ValueShare,
} from './_statistics.js';
import type { Finding, RuleOptions, Severity } from './types.js';
import { knownLookups, type KnownLookups } from './_column-lookups.js';

/** Why a column counts as low-cardinality, from its statistics or (unanalyzed booleans) its type. */
interface Cardinality {
  readonly analyzed: boolean;
  readonly distinct: number | null;
  readonly shares: readonly ValueShare[];
  /** The most common value when it covers at least `lowCardinalityDominantFrequency` of the rows. */
  readonly dominant: ValueShare | null;
}

function cardinalityOf(column: Column, table: Table, options: RuleOptions, index: Index): Cardinality | null {
  const stats = column.statistics;
  if (stats === null) {
    // No column statistics, but the index's own distinct count where the engine keeps one (InnoDB CARDINALITY,
    // SQLite sqlite_stat1): how many values, though not how the rows are shared among them.
    const indexed = index.keyPrefixDistinct?.[0];
    if (typeof indexed === 'number' && table.rowEstimate !== null && table.rowEstimate >= options.cardinalityMinRows) {
      const few = indexed <= options.lowCardinalityMaxDistinct;
      return few ? { analyzed: true, distinct: indexed, shares: [], dominant: null } : null;
    }
    // Without statistics only the type bounds the values: a boolean has two (and NULL).
    return column.typeCategory === 'boolean' ? { analyzed: false, distinct: null, shares: [], dominant: null } : null;
  }
  // On a small table every column has few values and a sequential scan is cheap anyway.
  if (table.rowEstimate === null || table.rowEstimate < options.cardinalityMinRows) return null;
  const shares = valueShares(column);
  const top = shares[0];
  const dominant = top !== undefined && top.fraction >= options.lowCardinalityDominantFrequency ? top : null;
  const distinct = stats.distinctValues;
  const few = column.typeCategory === 'boolean' || (distinct !== null && distinct <= options.lowCardinalityMaxDistinct);
  if (!few && dominant === null) return null;
  return { analyzed: true, distinct, shares, dominant };
}

/**
 * The partial index that keeps only the rows worth finding through an index, or null: the values the
 * known queries look up when they are not the dominant one, else everything but the dominant value.
 */
function partialIndexFor(
  index: Index,
  column: Column,
  dominant: ValueShare | null,
  shares: readonly ValueShare[],
  lookedUp: readonly (string | null)[],
  concurrently: boolean,
): { predicate: string; definition: string } | null {
  const col = quoteIdent(column.name);
  let predicate: string;
  // Worth it only while the rows looked up stay a minority (a value pg_stats does not list is rare).
  const lookedUpShare = lookedUp.reduce((n, v) => n + (shares.find((s) => s.value === v)?.fraction ?? 0), 0);
  if (lookedUp.length > 0 && lookedUpShare <= 0.5 && (dominant === null || !lookedUp.includes(dominant.value))) {
    const values = lookedUp.filter((v): v is string => v !== null).map((v) => sqlValue(column, v));
    const parts = [
      values.length === 1 ? `${col} = ${values[0]}` : values.length > 1 ? `${col} IN (${values.join(', ')})` : null,
      lookedUp.includes(null) ? `${col} IS NULL` : null,
    ];
    predicate = parts.filter((p) => p !== null).join(' OR ');
  } else if (dominant === null) {
    return null;
  } else {
    const others = shares.filter((s) => s !== dominant);
    if (dominant.value === null) predicate = `${col} IS NOT NULL`;
    else if (others.length === 1 && others[0]!.value !== null) predicate = `${col} = ${sqlValue(column, others[0]!.value)}`;
    else predicate = `${col} <> ${sqlValue(column, dominant.value)}`;
  }
  const name = truncateIdentifier(`${index.name}_partial`);
  return {
    predicate,
    definition: `CREATE INDEX${concurrently ? ' CONCURRENTLY' : ''} ${quoteIdent(name)} ON ${quoteQualified(index.schema, index.table)} (${col}) WHERE ${predicate}`,
  };
}

/** What the known queries say about the column, as a clause of the message ('' when the queries are unknown). */
function lookupsClause(column: Column, lookups: KnownLookups | null, dominant: ValueShare | null, scans: number | null): string {
  if (lookups === null) return '';
  const who = lookups.ordering.length === 1 ? 'a known query groups or sorts' : `${lookups.ordering.length} known queries group or sort`;
  const served = scans === 0 ? 'yet no plan used the index for that' : 'which the index can serve in order';
  const ordering = lookups.ordering.length === 0 ? '' : `; ${who} by it, ${served}`;
  if (lookups.queries.length === 0) return `; no known query filters on ${column.name}${ordering}`;
  const n = lookups.queries.length;
  let clause = `; ${n === 1 ? 'a known query filters' : `${n} known queries filter`} on ${column.name}`;
  if (lookups.values.length > 0) clause += `, looking up ${lookups.values.map((v) => displayValue(column, v)).join(', ')}`;
  if (dominant !== null && lookups.values.includes(dominant.value)) {
    clause += ` (for the dominant value ${displayValue(column, dominant.value)} a sequential scan serves as well)`;
  }
  return clause + ordering;
}

function describeShares(column: Column, shares: readonly ValueShare[]): string {
  const shown = shares.slice(0, 4).map((s) => `${displayValue(column, s.value)} ${percent(s.fraction)}`);
  return shares.length > 4 ? `${shown.join(', ')}, …` : shown.join(', ');
}

/** Other indexes on the table that contain the column after a leading key: where it is selective in company. */
function compositesWith(index: Index, column: Column, indexes: readonly Index[]): Index[] {
  return indexes.filter(
    (other) => other !== index && isUsable(other) && other.keys.length > 1 && other.keys.some((k, i) => i > 0 && k.column === column.name),
  );
}

/**
 * A single-column B-tree index without a predicate on a column with few distinct values
 * (boolean, enum-like status columns) or where one value covers most rows. Every lookup of a
 * common value reads a large share of the table, where a sequential scan is as fast; the index is
 * paid for on every write. Indexes that enforce uniqueness or back a constraint are not reported.
 */
export const lowCardinalityIndex = defineRule({
  id: 'low-cardinality-index',
  severity: 'medium',
  docs: { description: 'Single-column B-tree indexes on booleans, status-like columns with few values, or columns one value dominates.' },
  check({ model, lookup, options, workload, facts }) {
    const findings: Finding[] = [];
    const caveat = statisticsCaveat(facts.trust);
    // A composite unjustified-composite-index proposes to drop is no alternative to point to.
    const unjustified = facts.droppedAsUnjustified;
    for (const index of model.indexes) {
      if (!isUsable(index) || index.method !== 'btree' || index.predicate !== null || index.include.length > 0) continue;
      if (index.unique || index.constraint !== null || whyNotDroppable(index, model.capabilities) !== null) continue;
      const table = lookup.table(index.schema, index.table);
      const column = columnOf(table, singleColumnKey(index));
      if (!table || !column) continue;
      const cardinality = cardinalityOf(column, table, options, index);
      if (cardinality === null) continue;
      const lookups = knownLookups(workload, facts.queriesOn, index, column);
      const foreignKeys = foreignKeyChecksOnlyServedBy(index, lookup.indexesOf(table), model);
      findings.push(
        findingFor(
          index,
          table,
          column,
          cardinality,
          compositesWith(
            index,
            column,
            lookup.indexesOf(table).filter((i) => !unjustified.has(i)),
          ),
          lookups,
          caveat,
          options,
          facts.usage.scans(index),
          model,
          foreignKeys,
        ),
      );
    }
    return findings;
  },
});

function findingFor(
  index: Index,
  table: Table,
  column: Column,
  c: Cardinality,
  composites: readonly Index[],
  lookups: KnownLookups | null,
  caveat: string | null,
  options: RuleOptions,
  scans: number | null,
  model: SchemaModel,
  foreignKeys: readonly ForeignKey[],
): Finding {
  const where = `${index.schema}.${index.table}`;
  const rare = c.shares.filter((s) => s.fraction <= options.lowCardinalityRareFrequency);
  // What an index on this column is good for: the rare values, or else everything but a dominant one.
  const sought = rare.length > 0 ? rare : c.dominant !== null ? c.shares.filter((s) => s !== c.dominant) : [];
  // Only where the engine has partial indexes (MariaDB and MySQL have none): elsewhere no such advice.
  const partial = model.capabilities.partialIndexes
    ? partialIndexFor(index, column, c.dominant, c.shares, lookups?.values ?? [], model.capabilities.concurrentIndexBuild)
    : null;
  const partialAdvice = model.capabilities.partialIndexes
    ? `a partial index (${partial?.definition ?? `WHERE ${column.name} = …`}) serves them at a fraction of the size`
    : `an index led by a column they also filter on serves them (this database has no partial indexes)`;
  const leaders = [...new Set(composites.map((x) => keyList(x)[0]!))];
  const composite =
    composites.length > 0
      ? `queries that also filter on ${leaders.join(' or ')} are served by ${composites.map((x) => x.name).join(', ')}`
      : `if queries filter on ${column.name} together with a selective column, index (that_column, ${column.name}) instead`;

  let severity: Severity;
  let usefulness: string;
  let fixable = false;
  if (!c.analyzed) {
    severity = 'low';
    usefulness = `${column.name} has never been analyzed, so this is judged by its boolean type alone (at most two values and NULL); run ANALYZE ${where} to see the real distribution`;
  } else if (scans === null) {
    severity = 'low';
    usefulness = 'index usage statistics could not be read, so whether queries use it is unknown';
  } else if (scans > 0 && sought.length > 0) {
    severity = 'low';
    usefulness = `it was scanned ${times(scans)} and may still serve lookups of the less common ${sought.length === 1 ? 'value' : 'values'} (${describeShares(column, sought)})`;
  } else if (scans > 0) {
    severity = 'low';
    usefulness = `it was scanned ${times(scans)}, but every value covers at least ${percent(Math.min(...c.shares.map((s) => s.fraction)))} of the rows, so each lookup reads a large share of the table, where a sequential scan is often as fast; check those plans`;
  } else {
    const traffic = hasRealTraffic(table, options);
    // "Never scanned" counts only once the statistics cover enough time and activity.
    severity = traffic && caveat === null ? 'medium' : 'low';
    // Truly useless: never scanned, and no value rare enough (nor a dominant one to leave out) for an index to pay off.
    // Values pg_stats leaves out of its list are rare by definition: only a full list proves there are none.
    const listed = c.shares.reduce((n, s) => n + s.fraction, 0);
    // The only index a foreign key's check uses is no candidate for a drop, however few its values.
    fixable = traffic && caveat === null && sought.length === 0 && listed >= 0.999 && foreignKeys.length === 0;
    usefulness =
      sought.length > 0
        ? `it has not been scanned since the statistics reset, although lookups of the less common ${sought.length === 1 ? 'value' : 'values'} (${describeShares(column, sought)}) could use it`
        : 'it has not been scanned since the statistics reset';
    if (caveat !== null) usefulness += ` (${caveat.replace(/\.$/, '')})`;
  }

  const numbers = c.analyzed
    ? `${c.distinct === null ? 'an unknown number of' : formatCount(c.distinct)} distinct ${c.distinct === 1 ? 'value' : 'values'} over ~${formatCount(table.rowEstimate ?? 0)} rows (${c.shares.length > 0 ? describeShares(column, c.shares) : `how the rows share them is not known: ${column.statistics === null ? 'the database keeps no column statistics' : 'its column statistics list no values'}`})`
    : `type ${column.type}, not analyzed`;
  const message = `Index ${index.name} on ${where} (${column.name}) indexes a low-cardinality column: ${numbers}; ${usefulness}${lookupsClause(column, lookups, c.dominant, scans)}.`;
  let help: string;
  if (fixable) {
    help = `Drop ${index.name}: no query used it and no value of ${column.name} is rare enough for it to pay off; ${composite}.`;
  } else if (scans === 0 && c.analyzed && caveat !== null) {
    help = `Look again once the statistics are conclusive: if ${index.name} is still never scanned, drop it; if queries look up the less common values, ${partialAdvice}.`;
  } else if (scans === 0 && c.analyzed) {
    help = `Drop ${index.name}, since no query used it; if queries do look up the less common values, ${partialAdvice}; or ${composite}.`;
  } else if (partial !== null) {
    help = `Replace it with a partial index on the rows worth finding (${partial.definition}), then drop it; or ${composite}.`;
    if (scans !== null && scans > 0 && (lookups?.ordering.length ?? 0) > 0) {
      help += ` Check the plans first: the GROUP BY or ORDER BY on ${column.name} may be what scans it, and a partial index does not serve that.`;
    }
  } else {
    help = `Lead with a selective column instead: ${composite}; drop ${index.name} once no plan needs it.`;
  }
  if (foreignKeys.length > 0) {
    const names = foreignKeys.map((fk) => `${fk.name} (to ${fk.referencedTable.schema}.${fk.referencedTable.name})`).join(', ');
    help += ` Keep an index leading with ${column.name} all the same: ${index.name} is the only one serving the check of ${names}, run on every DELETE or key UPDATE of the referenced rows.`;
  }
  return {
    rule: 'low-cardinality-index',
    severity,
    schema: index.schema,
    table: index.table,
    index: index.name,
    columns: [column.name],
    message,
    help,
    evidence: {
      index: indexEvidence(index),
      column: columnStatisticsEvidence(column),
      table: tableEvidence(table),
      lessCommonValues: sought.map((s) => ({ value: s.value, fraction: Number(s.fraction.toFixed(4)) })),
      suggestedPartialIndex: partial?.definition ?? null,
      queries:
        lookups === null
          ? null
          : { filterOnColumn: [...lookups.queries], valuesLookedUp: [...lookups.values], groupOrSortBy: [...lookups.ordering] },
      compositesWithColumn: composites.map((x) => x.definition),
      onlyIndexForForeignKeys: foreignKeys.map((fk) => fk.name),
    },
    ...(fixable ? { actions: [dropAction(index, model)] } : {}),
  };
}
