/**
 * The workload: the queries a database runs, from pg_stat_statements, log files or a query
 * file, parsed and reduced to what index analysis needs. Produced by src/workload, read by the
 * workload-aware rules and the strategy document.
 */

/** Where a query was seen. */
export type QuerySourceKind = 'pg_stat_statements' | 'log' | 'file';

/** A table a query reads or writes, resolved through aliases, CTEs and subqueries. */
export interface QueryTableRef {
  readonly schema: string | null;
  readonly table: string;
}

/** How a query constrains or orders by a column. */
export type ColumnUseKind = 'equality' | 'range' | 'in' | 'is-null' | 'is-not-null' | 'like-prefix' | 'join' | 'order-by' | 'group-by';

/** One use of a column of one table by a query. */
export interface ColumnUse {
  readonly table: QueryTableRef;
  readonly column: string;
  readonly kind: ColumnUseKind;
  /** For `order-by`: descending. */
  readonly descending?: boolean;
}

/** A query after normalization: literals replaced by placeholders, repeated statements merged. */
export interface QueryPattern {
  /** libpg-query fingerprint: equal for statements that differ only in constants. */
  readonly fingerprint: string;
  /** The normalized statement ($1, $2 for constants). */
  readonly text: string;
  /** One example with its original constants where a source had one (logs, query files). */
  readonly example: string | null;
  readonly sources: readonly QuerySourceKind[];
  readonly command: 'select' | 'insert' | 'update' | 'delete' | 'other';
  /** Executions; null when the source does not count (a query file). */
  readonly calls: number | null;
  readonly totalMs: number | null;
  readonly meanMs: number | null;
  readonly rows: number | null;
  readonly sharedBlocksHit: number | null;
  readonly sharedBlocksRead: number | null;
  readonly tables: readonly QueryTableRef[];
  /** Column uses, grouped by the conjunction they appear in (one AND group each); OR branches are not index-matchable together. */
  readonly columnUses: readonly ColumnUse[];
}

/** A statement the parser rejected: counted and reported, never fatal. */
export interface UnparsedStatement {
  readonly source: QuerySourceKind;
  /** Where it came from: file and line, or `pg_stat_statements`. */
  readonly location: string;
  readonly text: string;
  readonly error: string;
}

/** Everything known about the queries. */
export interface Workload {
  readonly queries: readonly QueryPattern[];
  readonly unparsed: readonly UnparsedStatement[];
  /** What was read and what could not be ("pg_stat_statements not installed"). */
  readonly notes: readonly string[];
}
