/**
 * Reading planner and usage statistics the way the statistics-aware rules (low-cardinality-index,
 * over-indexed-table, composite-column-order, partition-candidate) need them: per column, per
 * index and per table, always saying when a number is unknown instead of guessing one.
 */
import type { Column, ColumnStatistics, Index, Table, TableUsage } from '../model/types.js';
import { quoteLiteral } from '../sql/quote.js';
import type { EvidenceValue } from './types.js';
import type { StatisticsTrust } from './context/trust.js';

/** The column of a table by name. */
export function columnOf(table: Table | undefined, name: string | null): Column | undefined {
  if (!table || name === null) return undefined;
  return table.columns.find((c) => c.name === name);
}

/** The one plain column a single-key index is on, or null (several keys, or an expression). */
export function singleColumnKey(index: Index): string | null {
  if (index.keys.length !== 1) return null;
  const key = index.keys[0]!;
  return key.kind === 'column' ? key.column : null;
}

/**
 * Index entries written since the statistics reset: one per insert and per non-HOT update in every
 * index (a HOT update writes none; a DELETE writes none either, VACUUM removes the entries later).
 */
export function indexEntryWritesOf(usage: TableUsage | null): number | null {
  return usage === null ? null : usage.inserts + Math.max(0, usage.updates - usage.hotUpdates);
}

/**
 * Scans of an index on every node read: the primary's, plus each replica's when `--replica` was
 * given (an index scanned on a standby is used); null when any node could not tell.
 */
export function scansOf(index: Index): number | null {
  if (index.usageByNode && index.usageByNode.length > 0) {
    if (index.usageByNode.some((u) => u.scans === null)) return null;
    return index.usageByNode.reduce((n, u) => n + (u.scans ?? 0), 0);
  }
  return index.usage?.scans ?? null;
}

/**
 * Why "no scans" cannot be taken at face value yet (young, idle or unreadable statistics), in
 * words for a message, or null when the statistics are trustworthy.
 */
export function statisticsCaveat(trust: StatisticsTrust): string | null {
  if (trust.trustworthy) return null;
  const reasons = trust.notes.filter((n) => !n.startsWith('Statistics cover') && !n.startsWith('Statistics were never reset'));
  return `statistics are not conclusive yet: ${reasons.join(' ')}`;
}

/** A fraction as a percentage a person reads: 0.953 → "95.3%", 0.0004 → "0.04%". */
export function percent(fraction: number): string {
  const p = fraction * 100;
  const digits = p >= 10 ? 1 : p >= 1 ? 1 : p >= 0.1 ? 2 : 3;
  return `${Number(p.toFixed(digits))}%`;
}

/** A byte count as a person reads it. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${Number(value.toFixed(1))} ${units[unit]}`;
}

/** A count with thousands separators, independent of the machine's locale. */
export function formatCount(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** One value of a column and the share of rows holding it (NULL as `value: null`). */
export interface ValueShare {
  readonly value: string | null;
  readonly fraction: number;
}

/**
 * The most common values with their shares, NULL included as a value when the column has NULLs,
 * most common first. For a boolean column the values pg_stats leaves out of the list are derived:
 * the rows that are neither NULL nor a listed value hold the other boolean.
 */
export function valueShares(column: Column): ValueShare[] {
  const stats = column.statistics;
  if (stats === null) return [];
  const shares: ValueShare[] = stats.mostCommonFrequencies.map((fraction, i) => ({ value: stats.mostCommonValues[i] ?? null, fraction }));
  if (column.typeCategory === 'boolean' && stats.mostCommonValues.length === stats.mostCommonFrequencies.length) {
    const listed = new Set(shares.map((s) => s.value));
    const rest = 1 - stats.nullFraction - shares.reduce((n, s) => n + s.fraction, 0);
    const missing = ['t', 'f'].filter((v) => !listed.has(v));
    if (missing.length === 1 && rest > 0.0005) shares.push({ value: missing[0]!, fraction: rest });
  }
  if (stats.nullFraction > 0) shares.push({ value: null, fraction: stats.nullFraction });
  return shares.sort((a, b) => b.fraction - a.fraction);
}

/** pg_stats prints booleans as `t` and `f`. */
function booleanWord(value: string): string {
  return value === 't' ? 'true' : value === 'f' ? 'false' : value;
}

/** A value as SQL: booleans as true/false, everything else as a literal PostgreSQL casts to the column's type. */
export function sqlValue(column: Column, value: string): string {
  if (column.typeCategory === 'boolean') return booleanWord(value);
  if (column.typeCategory === 'numeric' && /^-?\d+(\.\d+)?$/.test(value)) return value;
  return quoteLiteral(value);
}

/** "once", "twice", "12 times". */
export function times(n: number): string {
  return n === 1 ? 'once' : n === 2 ? 'twice' : `${formatCount(n)} times`;
}

/** A value for a message: booleans as true/false, NULL as NULL, text quoted. */
export function displayValue(column: Column, value: string | null): string {
  if (value === null) return 'NULL';
  if (column.typeCategory === 'boolean') return booleanWord(value);
  return column.typeCategory === 'numeric' ? value : `'${value}'`;
}

/** Column statistics as evidence. */
export function columnStatisticsEvidence(column: Column): { [key: string]: EvidenceValue } {
  const stats: ColumnStatistics | null = column.statistics;
  return {
    column: column.name,
    type: column.type,
    typeCategory: column.typeCategory,
    analyzed: stats !== null,
    distinctValues: stats?.distinctValues ?? null,
    nullFraction: stats?.nullFraction ?? null,
    mostCommonValues: stats === null ? [] : valueShares(column).map((s) => ({ value: s.value, fraction: Number(s.fraction.toFixed(4)) })),
    averageWidth: stats?.averageWidth ?? null,
    correlation: stats?.correlation ?? null,
  };
}
