/**
 * Rows of the MySQL catalog queries (queries.ts), with the lower-case aliases the queries give.
 * Numbers may arrive as numbers or, past 2^53 or for DECIMAL, as strings: read them with Number().
 */

type Count = number | string;

/** A base table (information_schema.TABLES). */
export interface TableRow {
  readonly table_schema: string;
  readonly table_name: string;
  readonly engine: string | null;
  readonly table_rows: Count | null;
  readonly data_length: Count | null;
  readonly index_length: Count | null;
  readonly table_collation: string | null;
  readonly table_comment: string | null;
  /** Seconds since CREATE_TIME: when the table was created or last altered (null where the engine does not say). */
  readonly changed_seconds_ago?: Count | null;
}

/** A column (information_schema.COLUMNS). */
export interface ColumnRow {
  readonly table_schema: string;
  readonly table_name: string;
  readonly column_name: string;
  readonly ordinal_position: Count;
  readonly data_type: string;
  readonly column_type: string;
  readonly is_nullable: string;
  readonly collation_name: string | null;
}

/** One key part of one index (information_schema.STATISTICS). */
export interface KeyPartRow {
  readonly table_schema: string;
  readonly table_name: string;
  readonly index_name: string;
  readonly seq_in_index: Count;
  /** Null for a functional key part (MySQL 8.0.13+). */
  readonly column_name: string | null;
  /** 'A' ascending, 'D' descending, null: not sorted (HASH, FULLTEXT). */
  readonly collation: string | null;
  readonly cardinality: Count | null;
  readonly sub_part: Count | null;
  readonly index_type: string;
  readonly non_unique: Count;
  readonly index_comment: string | null;
  /** MariaDB 10.6+: 'YES' when IGNORED. */
  readonly ignored?: string | null;
  /** MySQL 8: 'NO' when INVISIBLE. */
  readonly is_visible?: string | null;
  /** MySQL 8.0.13+: the expression of a functional key part. */
  readonly expression?: string | null;
}

/** A PRIMARY KEY or UNIQUE constraint (information_schema.TABLE_CONSTRAINTS). */
export interface ConstraintRow {
  readonly table_schema: string;
  readonly table_name: string;
  readonly constraint_name: string;
  readonly constraint_type: string;
}

/** One column pair of one foreign key. */
export interface ForeignKeyRow {
  readonly constraint_schema: string;
  readonly constraint_name: string;
  readonly table_name: string;
  readonly column_name: string;
  readonly ordinal_position: Count;
  readonly referenced_table_schema: string;
  readonly referenced_table_name: string;
  readonly referenced_column_name: string;
  readonly update_rule: string;
  readonly delete_rule: string;
  /** The index of the referenced table the foreign key uses, as the server names it. */
  readonly unique_constraint_name: string | null;
}

/** A row of SHOW VARIABLES or SHOW STATUS. */
export interface VariableRow {
  readonly Variable_name: string;
  readonly Value: string | null;
}

/** The answer of SERVER_QUERY. */
export interface ServerRow {
  readonly version: string;
  readonly read_at: string;
}

/** A row of mysql.innodb_index_stats. */
export interface InnodbIndexStatRow {
  readonly database_name: string;
  readonly table_name: string;
  readonly index_name: string;
  /** 'size' (pages) or 'n_diff_pfxNN' (distinct values of the first NN key columns). */
  readonly stat_name: string;
  readonly stat_value: Count;
}

/** MySQL 8 information_schema.COLUMN_STATISTICS. */
export interface HistogramRow {
  readonly schema_name: string;
  readonly table_name: string;
  readonly column_name: string;
  /** The histogram's JSON, parsed by the driver or as text. */
  readonly histogram: unknown;
}

/** MariaDB mysql.column_stats joined with mysql.table_stats. */
export interface ColumnStatsRow {
  readonly db_name: string;
  readonly table_name: string;
  readonly column_name: string;
  readonly nulls_ratio: Count | null;
  readonly avg_length: Count | null;
  readonly avg_frequency: Count | null;
  readonly hist_type: string | null;
  /** The JSON_HB histogram as text; null for the binary kinds. */
  readonly histogram: string | null;
  /** Rows when ANALYZE … PERSISTENT ran (mysql.table_stats.cardinality). */
  readonly cardinality: Count | null;
}

/** performance_schema.setup_* rows that decide whether table I/O is counted. */
export interface InstrumentationRow {
  readonly kind: 'instrument' | 'consumer' | 'object';
  readonly name: string;
  readonly object_name: string | null;
  readonly enabled: string;
}

/** Rows read through one index of one table (performance_schema). */
export interface IndexIoRow {
  readonly object_schema: string;
  readonly object_name: string;
  /** Null for rows read without an index (table scans). */
  readonly index_name: string | null;
  readonly count_read: Count;
  readonly count_fetch: Count;
}

/** Rows read and written in one table (performance_schema). */
export interface TableIoRow {
  readonly object_schema: string;
  readonly object_name: string;
  readonly count_fetch: Count;
  readonly count_insert: Count;
  readonly count_update: Count;
  readonly count_delete: Count;
}
