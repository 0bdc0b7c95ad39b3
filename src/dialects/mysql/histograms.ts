/**
 * Column statistics from the two places MySQL-family servers keep them. Both exist only where
 * someone ran ANALYZE for them (MySQL 8: `ANALYZE TABLE t UPDATE HISTOGRAM ON c`; MariaDB:
 * `ANALYZE TABLE t PERSISTENT FOR …`); a column without them has `statistics: null`.
 */
import type { ColumnStatistics } from '../../model/types.js';
import { countOf } from './map-tables.js';
import type { ColumnStatsRow } from './rows.js';

/** A value and the fraction of all rows holding it. */
interface ValueFrequency {
  readonly value: string;
  readonly frequency: number;
}

/** Most common first; equal values (a value spanning buckets) summed. */
function mostCommon(values: readonly ValueFrequency[]): ValueFrequency[] {
  const byValue = new Map<string, number>();
  for (const v of values) byValue.set(v.value, (byValue.get(v.value) ?? 0) + v.frequency);
  return [...byValue]
    .map(([value, frequency]) => ({ value, frequency }))
    .sort((a, b) => b.frequency - a.frequency || a.value.localeCompare(b.value));
}

/** MySQL writes string values of a histogram as `base64:type254:…`; numbers and dates as they are. */
function histogramValue(value: unknown): string {
  if (typeof value === 'string') {
    const encoded = /^base64:type\d+:(.*)$/s.exec(value);
    return encoded ? Buffer.from(encoded[1]!, 'base64').toString('utf8') : value;
  }
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

/** The JSON of information_schema.COLUMN_STATISTICS.HISTOGRAM, as far as it is read here. */
interface MysqlHistogram {
  readonly 'histogram-type'?: string;
  readonly 'null-values'?: number;
  readonly buckets?: readonly (readonly unknown[])[];
}

/**
 * A MySQL 8 histogram → column statistics. A singleton histogram lists every value with its
 * cumulative frequency, so its frequencies are exact (for the sample read); an equi-height
 * histogram gives ranges with their distinct counts, and a value's own frequency only when it
 * fills a bucket alone. MySQL keeps no value widths.
 *
 * Cumulative frequencies end at 1 − null-values (fractions of all rows); should a histogram end
 * at 1 instead (fractions of the non-null rows), they are scaled to all rows.
 */
export function mysqlHistogramStatistics(histogram: unknown): ColumnStatistics | null {
  let parsed: MysqlHistogram;
  try {
    parsed = (typeof histogram === 'string' ? JSON.parse(histogram) : histogram) as MysqlHistogram;
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray(parsed.buckets)) return null;
  const nullFraction = typeof parsed['null-values'] === 'number' ? parsed['null-values'] : 0;
  const singleton = parsed['histogram-type'] === 'singleton';
  const listed: readonly unknown[] = parsed.buckets;
  const buckets = listed.filter((b): b is readonly unknown[] => Array.isArray(b));
  const cumulativeAt = singleton ? 1 : 2;
  const last = buckets.length > 0 ? Number(buckets[buckets.length - 1]![cumulativeAt]) : 0;
  const scale = buckets.length > 0 && Math.abs(last - 1) < 1e-9 && nullFraction > 0 ? 1 - nullFraction : 1;
  const frequencies: ValueFrequency[] = [];
  let distinct = 0;
  let previous = 0;
  for (const bucket of buckets) {
    const cumulative = Number(bucket[cumulativeAt]);
    const frequency = (cumulative - previous) * scale;
    previous = cumulative;
    if (singleton) {
      distinct += 1;
      frequencies.push({ value: histogramValue(bucket[0]), frequency });
    } else {
      const ndv = Number(bucket[3]);
      distinct += ndv;
      if (ndv === 1 && histogramValue(bucket[0]) === histogramValue(bucket[1]))
        frequencies.push({ value: histogramValue(bucket[0]), frequency });
    }
  }
  const common = mostCommon(frequencies);
  return {
    nullFraction,
    rawDistinct: distinct,
    distinctValues: distinct,
    mostCommonFrequencies: common.map((c) => c.frequency),
    mostCommonValues: common.map((c) => c.value),
    correlation: null,
    averageWidth: 0,
    inherited: false,
    ...(singleton ? {} : { mostCommonComplete: false }),
    averageWidthKnown: false,
  };
}

/** A bucket of MariaDB's JSON_HB histogram: `size` is the fraction of the non-null rows in it. */
interface JsonHbBucket {
  readonly start?: unknown;
  readonly size?: number;
  readonly ndv?: number;
}

/** Values that fill a JSON_HB bucket alone, with their fraction of all rows. */
function jsonHbFrequencies(text: string | null, nonNull: number): ValueFrequency[] {
  if (text === null) return [];
  try {
    const parsed = JSON.parse(text) as { histogram_hb?: JsonHbBucket[] };
    return (parsed.histogram_hb ?? [])
      .filter((b) => b.ndv === 1 && typeof b.size === 'number')
      .map((b) => ({ value: histogramValue(b.start), frequency: b.size! * nonNull }));
  } catch {
    return [];
  }
}

/**
 * A row of MariaDB's mysql.column_stats → column statistics. `avg_frequency` is the average
 * number of rows per distinct non-null value, so the column has rows × (1 − nulls_ratio) ÷
 * avg_frequency distinct values (rows: mysql.table_stats when ANALYZE ran, else the table's
 * current estimate). Only a JSON_HB histogram (MariaDB 10.8+) names values; the binary kinds
 * (SINGLE_PREC_HB, DOUBLE_PREC_HB) store bucket bounds as positions, and no value is read from them.
 */
export function mariadbColumnStatistics(row: ColumnStatsRow, tableRowEstimate: number | null): ColumnStatistics | null {
  const nullFraction = countOf(row.nulls_ratio);
  const averageFrequency = countOf(row.avg_frequency);
  if (nullFraction === null || averageFrequency === null) return null;
  const nonNull = 1 - nullFraction;
  const rows = countOf(row.cardinality) ?? tableRowEstimate;
  const fraction = averageFrequency > 0 ? Math.min(1, nonNull / averageFrequency) : 0;
  const common = mostCommon(jsonHbFrequencies(row.histogram, nonNull));
  return {
    nullFraction,
    // As pg_stats.n_distinct: a negative value is a fraction of the rows.
    rawDistinct: fraction === 0 ? 0 : -fraction,
    distinctValues: rows === null ? null : Math.round(rows * fraction),
    mostCommonFrequencies: common.map((c) => c.frequency),
    mostCommonValues: common.map((c) => c.value),
    correlation: null,
    averageWidth: countOf(row.avg_length) ?? 0,
    inherited: false,
    mostCommonComplete: false,
    ...(countOf(row.avg_length) === null ? { averageWidthKnown: false } : {}),
  };
}
