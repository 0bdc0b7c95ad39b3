/**
 * A simple estimate of a btree index's bloat: the size its live entries need, from the planner's
 * row estimate and pg_stats average column widths, against its actual size.
 *
 * Precision, honestly: ±20-30% on plain column indexes. It assumes average widths (pg_stats
 * samples them), ignores NULL bitmaps, suffix truncation in inner pages and PostgreSQL 13+
 * deduplication (which can make an index with many repeated keys much smaller than this
 * estimate: then it reports no bloat, never false bloat), and it cannot estimate expression
 * keys (no width statistics) or partial indexes (no row count for the predicate). Good enough to
 * say which indexes deserve a look with pgstattuple, not to size a disk.
 */
import type { Index, Table } from '../../model/types.js';

const BLOCK = 8192;
const PAGE_HEADER = 24;
const BTREE_SPECIAL = 16;
const INDEX_TUPLE_HEADER = 8;
const LINE_POINTER = 4;
const MAXALIGN = 8;
/** Inner pages and the metapage, as a share of the leaf pages (a btree's fan-out is in the hundreds). */
const UPPER_LEVEL_SHARE = 0.01;

/** The estimate, or why there is none. */
export type BloatEstimate =
  | {
      readonly status: 'estimated';
      readonly actualBytes: number;
      readonly expectedBytes: number;
      readonly bloatFraction: number;
      readonly wastedBytes: number;
    }
  | { readonly status: 'unknown'; readonly reason: string };

function fillfactorOf(index: Index): number {
  for (const p of index.storageParameters) {
    const m = /^fillfactor=(\d+)$/.exec(p);
    if (m) return Number(m[1]) / 100;
  }
  return 0.9;
}

/** Estimates the bloat of a btree index on `table`. */
export function estimateBtreeBloat(index: Index, table: Table | undefined): BloatEstimate {
  if (index.method !== 'btree') return { status: 'unknown', reason: `${index.method} indexes are not estimated` };
  if (index.partitioned) return { status: 'unknown', reason: 'a partitioned index has no storage of its own' };
  if (index.sizeBytes === null) return { status: 'unknown', reason: 'size unknown' };
  if (!table || table.rowEstimate === null) return { status: 'unknown', reason: 'the table was never analyzed' };
  if (index.predicate !== null) return { status: 'unknown', reason: 'partial index: the rows its predicate keeps are not known' };
  let width = 0;
  for (const key of index.keys) {
    if (key.kind !== 'column' || key.column === null) return { status: 'unknown', reason: 'expression keys have no width statistics' };
    const stats = table.columns.find((c) => c.name === key.column)?.statistics;
    if (!stats) return { status: 'unknown', reason: `no statistics for ${key.column}` };
    width += stats.averageWidth;
  }
  for (const column of index.include) {
    const stats = table.columns.find((c) => c.name === column)?.statistics;
    if (!stats) return { status: 'unknown', reason: `no statistics for ${column}` };
    width += stats.averageWidth;
  }
  const entry = Math.ceil((INDEX_TUPLE_HEADER + width) / MAXALIGN) * MAXALIGN + LINE_POINTER;
  const perPage = Math.max(1, Math.floor(((BLOCK - PAGE_HEADER - BTREE_SPECIAL) * fillfactorOf(index)) / entry));
  const leafPages = Math.max(1, Math.ceil(table.rowEstimate / perPage));
  const expectedBytes = Math.ceil(leafPages * (1 + UPPER_LEVEL_SHARE) + 1) * BLOCK;
  const actualBytes = index.sizeBytes;
  const wastedBytes = Math.max(0, actualBytes - expectedBytes);
  return { status: 'estimated', actualBytes, expectedBytes, bloatFraction: actualBytes > 0 ? wastedBytes / actualBytes : 0, wastedBytes };
}
