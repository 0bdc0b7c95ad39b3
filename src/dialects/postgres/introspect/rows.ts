/** Raw catalog rows as the queries in queries.ts return them. Private to this folder. */

export interface DatabaseRow {
  name: string;
  server_version: string;
  server_version_num: number;
  stats_reset: string | null;
  read_at: string;
  in_recovery: boolean;
  cluster_stats_since: string | null;
  can_stat_file: boolean;
  database_oid: number;
  /** Filled in from CREATED_AT_QUERY when the role may read it. */
  created_at?: string | null;
  default_collation: string | null;
}

export interface SettingRow {
  name: string;
  setting: string;
  unit: string | null;
}

export interface ExtensionRow {
  name: string;
  version: string;
  schema: string;
}

export interface ColumnStatsRow {
  schema: string;
  table_name: string;
  name: string;
  inherited: boolean;
  null_frac: number;
  n_distinct: number;
  avg_width: number;
  correlation: number | null;
  most_common_freqs: number[] | null;
  most_common_vals: string[] | null;
}

export interface TableRow {
  oid: string;
  schema: string;
  name: string;
  /** `schema.name`, each part quoted as PostgreSQL quotes it. */
  quoted_name: string;
  relkind: 'r' | 'p' | 'm';
  is_partition: boolean;
  parent_schema: string | null;
  parent_name: string | null;
  row_estimate: number | null;
  size_bytes: number | null;
  /** Not measured: another session holds or awaits an ACCESS EXCLUSIVE lock on it. */
  size_locked: boolean;
  replica_identity: string;
  replica_identity_index: string | null;
  comment: string | null;
}

export interface ColumnRow {
  schema: string;
  table_name: string;
  name: string;
  position: number;
  type: string;
  not_null: boolean;
  collation: string | null;
  type_category: string;
  base_type_name: string;
  collation_oid: number;
  quoted_name: string;
  /** The column's type, or a domain's base type: what the default operator class is chosen for. */
  base_type_oid: number;
}

export interface IndexKeyJson {
  attnum: number;
  column: string | null;
  expression: string;
  opclass: string | null;
  opclass_default: boolean | null;
  opfamily: string | null;
  collation: string | null;
  collation_default: boolean;
  option: number | null;
}

export interface IndexRow {
  schema: string;
  name: string;
  oid: number;
  table_name: string;
  method: string;
  is_unique: boolean;
  is_primary: boolean;
  nulls_not_distinct: boolean;
  is_valid: boolean;
  is_ready: boolean;
  is_replica_identity: boolean;
  key_count: number;
  is_partitioned: boolean;
  predicate: string | null;
  /** pg_get_indexdef, only for indexes whose definition is not put together client-side. */
  definition: string | null;
  quoted_name: string;
  size_bytes: number | null;
  /** Not measured: another session holds or awaits an ACCESS EXCLUSIVE lock on it. */
  size_locked: boolean;
  tablespace: string | null;
  storage_parameters: string[] | string | null;
  comment: string | null;
  constraint_name: string | null;
  constraint_type: 'p' | 'u' | 'x' | null;
  constraint_deferrable: boolean | null;
  constraint_definition: string | null;
  parent_index_schema: string | null;
  parent_index_name: string | null;
  referencing_fks: { schema: string; name: string }[] | null;
  /** pg_index.indkey: key columns then INCLUDE columns; 0 for an expression. */
  key_attnums: number[];
  /** pg_index.indclass, indcollation, indoption: key columns only. */
  key_opclasses: number[];
  key_collations: number[];
  key_options: number[];
  /** Per indkey position: the expression's text, null for a column; null when the index has no expression. */
  key_expressions: (string | null)[] | null;
}

export interface OpclassRow {
  oid: number;
  name: string;
  is_default: boolean;
  family: string;
  input_type: number;
  may_have_options: boolean;
}

export interface CollationRow {
  oid: number;
  name: string;
}

export interface ForeignKeyRow {
  schema: string;
  name: string;
  table_name: string;
  referenced_schema: string;
  referenced_table: string;
  referenced_oid: number;
  on_delete: string;
  on_update: string;
  validated: boolean;
  definition: string;
  /** pg_constraint.conkey, confkey, conpfeqop: one entry per column pair, in order. */
  key_attnums: number[];
  referenced_attnums: number[];
  equality_operators: number[];
}

export interface EqualityOpfamiliesRow {
  operator: number;
  opfamilies: string[];
}

export interface ReferencedColumnRow {
  table_oid: number;
  position: number;
  name: string;
}

export interface TableUsageRow {
  schema: string;
  table_name: string;
  seq_scan: number | null;
  seq_tup_read: number | null;
  idx_scan: number | null;
  idx_tup_fetch: number | null;
  n_tup_ins: number | null;
  n_tup_upd: number | null;
  n_tup_hot_upd: number | null;
  n_tup_del: number | null;
  n_live_tup: number | null;
  n_dead_tup: number | null;
  last_vacuum: string | null;
  last_autovacuum: string | null;
  last_analyze: string | null;
  last_autoanalyze: string | null;
}

export interface IndexUsageRow {
  schema: string;
  name: string;
  idx_scan: number | null;
  idx_tup_read: number | null;
  idx_tup_fetch: number | null;
  last_idx_scan: string | null;
}
