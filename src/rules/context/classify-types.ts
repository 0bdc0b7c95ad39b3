/** Table types of the seed's "Proper Index Strategy by Table Type". */

/**
 * - `transaction`: read-mostly, low write volume; indexed for its lookups.
 * - `log`: append-mostly and write-heavy, read by time ranges; every index is a write cost.
 * - `junction`: links two or more tables through foreign keys under a composite key.
 * - `unknown`: not enough evidence either way.
 */
export type TableType = 'transaction' | 'log' | 'junction' | 'unknown';

/** How sure a classification is. */
export type Confidence = 'high' | 'medium' | 'low';

/** Where a classification came from. */
type ClassificationSource = 'statistics' | 'shape' | 'config';

/** The type of one table, with what it rests on. */
export interface TableClassification {
  readonly schema: string;
  readonly table: string;
  readonly type: TableType;
  readonly confidence: Confidence;
  readonly source: ClassificationSource;
  /** The measured facts and hints behind the type, as words a DBA reads ("98% of writes are inserts"). */
  readonly evidence: readonly string[];
}

/** Classifications of every table, looked up by name. */
export interface TableTypes {
  readonly all: readonly TableClassification[];
  of(schema: string, table: string): TableClassification | undefined;
}
