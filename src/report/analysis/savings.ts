/**
 * What the recommended changes save: index storage, and index maintenance on writes. Every
 * INSERT adds an entry to every index of its table, and so does every UPDATE that is not HOT
 * (a HOT update changes no indexed column and writes no index entry); a DELETE writes none (vacuum
 * removes the entries later). So each dropped index saves one index write per insert and per
 * non-HOT update.
 */
import { isDropped, type TableStrategy } from './strategy.js';

/** Savings on one table. */
interface TableSavings {
  readonly schema: string;
  readonly table: string;
  readonly droppedIndexes: number;
  readonly createdIndexes: number;
  /** Bytes of the indexes dropped (unknown sizes count as 0); null when no dropped index's size is known. */
  readonly droppedBytes: number | null;
  /** Indexes maintained per insert now, and after the changes. */
  readonly indexWritesPerInsertBefore: number;
  readonly indexWritesPerInsertAfter: number;
  /** Index entries the dropped indexes were written since the statistics reset; null when writes are unknown. */
  readonly indexWritesSinceReset: number | null;
}

/** Savings over the whole audit. */
export interface Savings {
  /** Only tables where something is dropped or created. */
  readonly tables: readonly TableSavings[];
  readonly droppedIndexes: number;
  /** Null when no dropped index's size is known (a schema file: its scratch copy's sizes mean nothing). */
  readonly droppedBytes: number | null;
  /** Sum over tables with known writes; null when no table's writes are known. */
  readonly indexWritesSinceReset: number | null;
}

/** Savings of the recommended index sets. */
export function estimateSavings(strategies: readonly TableStrategy[]): Savings {
  const tables: TableSavings[] = [];
  for (const s of strategies) {
    if (s.dropped.length === 0 && s.created.length === 0) continue;
    // An index left not ready by a failed build is not written, so dropping it saves no writes.
    const maintainedDrops = s.dropped.filter((e) => e.maintained).length;
    const kept = s.current.filter((e) => e.maintained && !isDropped(e)).length;
    const rowWrites = s.writes === null ? null : s.writes.inserts + Math.max(0, s.writes.updates - s.writes.hotUpdates);
    tables.push({
      schema: s.schema,
      table: s.table,
      droppedIndexes: s.dropped.length,
      createdIndexes: s.created.length,
      droppedBytes: s.dropped.some((e) => e.sizeBytes !== null) ? s.dropped.reduce((sum, e) => sum + (e.sizeBytes ?? 0), 0) : null,
      indexWritesPerInsertBefore: s.current.filter((e) => e.maintained).length,
      indexWritesPerInsertAfter: kept + s.created.length,
      indexWritesSinceReset: rowWrites === null ? null : rowWrites * maintainedDrops,
    });
  }
  const known = tables.filter((t) => t.indexWritesSinceReset !== null);
  return {
    tables,
    droppedIndexes: tables.reduce((sum, t) => sum + t.droppedIndexes, 0),
    droppedBytes: tables.some((t) => t.droppedBytes !== null) ? tables.reduce((sum, t) => sum + (t.droppedBytes ?? 0), 0) : null,
    indexWritesSinceReset: known.length === 0 ? null : known.reduce((sum, t) => sum + t.indexWritesSinceReset!, 0),
  };
}
