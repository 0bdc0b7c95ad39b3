/** Rows of the SQLite catalog queries (queries.ts). */

/** The answer of DATABASE_QUERY. */
export interface DatabaseRow {
  readonly version: string;
  readonly page_size: number;
  readonly page_count: number;
  readonly freelist_count: number;
  readonly encoding: string;
  readonly user_version: number;
  readonly application_id: number;
  readonly auto_vacuum: number;
  readonly has_stat1: number;
}

/** A table, view or virtual table with its CREATE text. */
export interface RelationRow {
  readonly name: string;
  /** sqlite_schema.type: table or view. */
  readonly schema_type: string;
  /** pragma_table_list.type: table, view, virtual or shadow. */
  readonly type: string;
  readonly wr: number;
  readonly strict: number;
  readonly sql: string | null;
}

/** A column (pragma_table_xinfo). */
export interface ColumnRow {
  readonly table_name: string;
  readonly cid: number;
  readonly name: string;
  readonly type: string;
  readonly not_null: number;
  /** Position in the primary key (1-based), 0 when not part of it. */
  readonly pk: number;
  readonly hidden: number;
}

/** One column of one index (pragma_index_list × pragma_index_xinfo). */
export interface IndexColumnRow {
  readonly table_name: string;
  readonly index_name: string;
  readonly is_unique: number;
  /** c: CREATE INDEX; u: UNIQUE constraint; pk: PRIMARY KEY constraint. */
  readonly origin: string;
  readonly partial: number;
  readonly seqno: number;
  /** Column number; -1 the rowid, -2 an expression. */
  readonly cid: number;
  readonly column_name: string | null;
  readonly descending: number;
  readonly collation: string | null;
  readonly is_key: number;
  readonly sql: string | null;
}

/** One column pair of one foreign key (pragma_foreign_key_list). */
export interface ForeignKeyRow {
  readonly table_name: string;
  readonly id: number;
  readonly seq: number;
  readonly referenced_table: string;
  readonly column_name: string;
  readonly referenced_column: string | null;
  readonly on_update: string;
  readonly on_delete: string;
}

/** A row of sqlite_stat1. */
export interface Stat1Row {
  readonly tbl: string;
  readonly idx: string | null;
  readonly stat: string;
}

/** One b-tree's size (dbstat). */
export interface SizeRow {
  readonly name: string;
  readonly bytes: number;
}
