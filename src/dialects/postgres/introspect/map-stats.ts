import type { ColumnStatistics, TypeCategory } from '../../../model/types.js';
import type { ColumnStatsRow } from './rows.js';

/** pg_type.typcategory codes (see pg_type.h), in words. */
const CATEGORY_BY_CODE: Record<string, TypeCategory> = {
  B: 'boolean',
  E: 'enum',
  N: 'numeric',
  S: 'string',
  D: 'datetime',
  T: 'timespan',
  A: 'array',
  I: 'network',
  G: 'geometric',
  R: 'range',
  V: 'bitstring',
};

/** User-defined ('U') types that rules tell apart by what they hold. */
const CATEGORY_BY_TYPE_NAME: Record<string, TypeCategory> = {
  uuid: 'uuid',
  json: 'json',
  jsonb: 'json',
};

/** The broad kind of a column's (base) type. */
export function typeCategoryOf(code: string, baseTypeName: string): TypeCategory {
  return CATEGORY_BY_CODE[code] ?? CATEGORY_BY_TYPE_NAME[baseTypeName] ?? 'other';
}

/**
 * Column statistics, with pg_stats.n_distinct resolved to a count: a negative n_distinct is
 * minus the fraction of rows that are distinct, so the count scales with the row estimate.
 */
export function mapColumnStatistics(row: ColumnStatsRow, rowEstimate: number | null): ColumnStatistics {
  const rawDistinct = Number(row.n_distinct);
  const distinctValues = rawDistinct >= 0 ? rawDistinct : rowEstimate === null ? null : Math.max(1, Math.round(-rawDistinct * rowEstimate));
  const frequencies = (row.most_common_freqs ?? []).map(Number);
  return {
    nullFraction: Number(row.null_frac),
    rawDistinct,
    distinctValues,
    mostCommonFrequencies: frequencies,
    mostCommonValues: row.most_common_vals ?? [],
    correlation: row.correlation === null ? null : Number(row.correlation),
    averageWidth: Number(row.avg_width),
    inherited: row.inherited,
  };
}
