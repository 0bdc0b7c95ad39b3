/**
 * The workload: the queries a database runs, from pg_stat_statements, log files or a query
 * file, parsed and reduced to what index analysis needs. Produced by src/workload
 * ({@link readWorkload} in ./read.ts), read by the workload-aware rules and the strategy document.
 *
 * Everything here is plain readonly data (JSON-safe), like the schema model.
 */

/** Where a query was seen. */
export type QuerySourceKind = 'pg_stat_statements' | 'log' | 'file';

/**
 * A table a query reads or writes. When the table exists in the schema model the reference is
 * resolved against it (unqualified names through the model's schemas, `public` first, as
 * `search_path` would), so `schema` is filled in and `inModel` is true; otherwise it is kept
 * as written (`schema` null when the query did not qualify it).
 */
export interface QueryTableRef {
  readonly schema: string | null;
  readonly table: string;
  /** True when the reference was resolved to a table (or materialized view) of the model. */
  readonly inModel: boolean;
}

/**
 * How a query constrains or orders by a column:
 * - `equality`: `col = const` (also `col IS TRUE`, a bare boolean column, `NOT col`);
 * - `range`: `<`, `<=`, `>`, `>=`, `BETWEEN`;
 * - `in`: `col IN (…)`, `col = ANY($1)`;
 * - `is-null` / `is-not-null`;
 * - `like-prefix`: `col LIKE 'abc%'` (a pattern with a fixed prefix);
 * - `join`: `col = other.col` where the other side is another table (JOIN ON/USING, WHERE,
 *   correlated EXISTS/IN subqueries); usable like an equality by a nested-loop inner index scan;
 * - `order-by`, `group-by`.
 */
export type ColumnUseKind = 'equality' | 'range' | 'in' | 'is-null' | 'is-not-null' | 'like-prefix' | 'join' | 'order-by' | 'group-by';

/** The column on the other side of a `join` use. */
interface JoinPartner {
  readonly table: QueryTableRef;
  readonly column: string;
}

/** One use of a column (or of an expression over one column) of one table by a query. */
export interface ColumnUse {
  readonly table: QueryTableRef;
  /** The column; for an expression use, the one column the expression reads. */
  readonly column: string;
  readonly kind: ColumnUseKind;
  /**
   * Set when the use is on an expression over `column`, not on the column itself
   * (`lower(email) = $1`): the expression in dbdoctor's canonical form (see
   * `canonicalExpression` in ./expression.ts), comparable with an index's expression key.
   * A plain-column index key cannot serve such a use.
   */
  readonly expression?: string;
  /** For `equality`, `range`, `like-prefix`: the operator as written (`=`, `<`, `>=`, `~~` for LIKE). */
  readonly operator?: string;
  /**
   * For `equality`, `range`, `like-prefix` and `in`: the compared value(s) in canonical form when
   * constant (`'active'`, `true`, `42`, `$1`; `in` lists joined by `, `), used to decide whether a
   * partial index's predicate is implied. Absent when the other side is not a constant or parameter.
   */
  readonly value?: string;
  /** For `order-by`: descending. */
  readonly descending?: boolean;
  /** For `order-by`: NULLS FIRST, with PostgreSQL's default made explicit (DESC sorts nulls first). */
  readonly nullsFirst?: boolean;
  /** For `join`: the column on the other side. */
  readonly joinedTo?: JoinPartner;
}

/**
 * The uses of one table occurrence that hold together: conditions joined by AND in one WHERE
 * (plus JOIN … ON conditions, and conditions pushed down from an enclosing query into a
 * subquery or inlined CTE), with the ORDER BY and GROUP BY of its query block when those are
 * entirely on this table. One index can serve all uses of a group at once. Each OR branch
 * makes a separate group (`WHERE a = 1 AND (b = 2 OR c = 3)` gives `{a, b}` and `{a, c}`).
 */
export interface ColumnUseGroup {
  readonly table: QueryTableRef;
  /** Filter and join conditions, AND-ed (kinds other than `order-by` and `group-by`). */
  readonly conditions: readonly ColumnUse[];
  /** ORDER BY keys in order (kind `order-by`), when every key is a column of this table occurrence; else empty. */
  readonly orderBy: readonly ColumnUse[];
  /** GROUP BY columns (kind `group-by`), when every one is a column of this table occurrence; else empty. */
  readonly groupBy: readonly ColumnUse[];
  /** LIMIT of the block, when the ordered rows come from this table alone: a number, `parameter` for `LIMIT $1`, null for none. */
  readonly limit: number | 'parameter' | null;
}

/** The SQL command of a statement. */
export type QueryCommand = 'select' | 'insert' | 'update' | 'delete' | 'other';

/** A query after normalization: literals replaced by placeholders, repeated statements merged. */
export interface QueryPattern {
  /**
   * The pattern's identity, equal for statements that differ only in constants: libpg-query's
   * fingerprint with the relations the statement names (that fingerprint leaves digits in
   * relation names out, which would merge queries on tables t1 and t2), 16 hex digits.
   */
  readonly fingerprint: string;
  /** The normalized statement ($1, $2 for constants). */
  readonly text: string;
  /** One example with its original constants where a source had one (logs with their parameters substituted, query files). */
  readonly example: string | null;
  /** Every source the statement was seen in, each once. */
  readonly sources: readonly QuerySourceKind[];
  readonly command: QueryCommand;
  /**
   * Executions; from pg_stat_statements when it saw the statement, else from the logs, else the
   * query file's `-- calls: N` weight; null when no source counted it.
   */
  readonly calls: number | null;
  /** Total execution time in ms, from the same source as `calls`; null when unknown. */
  readonly totalMs: number | null;
  /** Mean execution time in ms (over the executions whose time is known); null when unknown. */
  readonly meanMs: number | null;
  /** Rows returned or affected (pg_stat_statements only). */
  readonly rows: number | null;
  /** Shared buffer hits (pg_stat_statements only). */
  readonly sharedBlocksHit: number | null;
  /** Shared blocks read from disk or OS cache (pg_stat_statements only). */
  readonly sharedBlocksRead: number | null;
  /** Every table the statement reads or writes (through aliases, CTEs, subqueries), each once. */
  readonly tables: readonly QueryTableRef[];
  /** The tables it writes (INSERT, UPDATE, DELETE targets, also inside data-modifying CTEs). */
  readonly tablesWritten: readonly QueryTableRef[];
  /** Every column use of the statement, each distinct use once: the flat view of `groups`. */
  readonly columnUses: readonly ColumnUse[];
  /** Column uses grouped by table occurrence and AND-group: what one index could serve together. */
  readonly groups: readonly ColumnUseGroup[];
  /** LIMIT of the outermost query block: a number, `parameter` for `LIMIT $1`, null for none. */
  readonly limit: number | 'parameter' | null;
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
  /**
   * The sources that were actually read (pg_stat_statements only when installed and readable).
   * Empty means nothing is known about the queries: rules must not conclude "no query uses X".
   * readWorkload always sets it; absent only in hand-built workloads.
   */
  readonly sources?: readonly QuerySourceKind[];
  /** Query patterns, the most total time first (then most calls, then text). */
  readonly queries: readonly QueryPattern[];
  readonly unparsed: readonly UnparsedStatement[];
  /** What was read and what could not be ("pg_stat_statements not installed"). */
  readonly notes: readonly string[];
}
