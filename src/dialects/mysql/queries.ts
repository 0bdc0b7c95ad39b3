/**
 * The catalog queries of a MySQL or MariaDB audit: one per kind of object, each over every table
 * of the databases read (`IN (?)` gets the list of schemas), never one per table. Columns are
 * aliased in lower case because MySQL 8 names information_schema columns in upper case.
 */
import type { MysqlFeatures } from './server.js';

/** The server's version (MySQL or MariaDB, told apart by it) and its clock in UTC, as ISO 8601. */
export const SERVER_QUERY = `SELECT VERSION() AS version, DATE_FORMAT(UTC_TIMESTAMP(6), '%Y-%m-%dT%H:%i:%s.%fZ') AS read_at`;

/** Server settings that frame an audit, read into DatabaseInfo.settings. */
export const AUDIT_VARIABLES = [
  'performance_schema',
  'innodb_stats_persistent',
  'innodb_stats_auto_recalc',
  'innodb_page_size',
  'max_connections',
  'slow_query_log',
  'long_query_time',
  'use_stat_tables',
  'histogram_size',
  'histogram_type',
  'lower_case_table_names',
  'read_only',
] as const;

/** The settings of AUDIT_VARIABLES the server has. */
export const VARIABLES_QUERY = `SHOW GLOBAL VARIABLES WHERE Variable_name IN (?)`;

/** Uptime frames the performance_schema counters; the *_lost counters say whether some objects went untracked. */
export const STATUS_QUERY = `SHOW GLOBAL STATUS WHERE Variable_name IN
  ('Uptime', 'Performance_schema_table_instances_lost', 'Performance_schema_table_handles_lost', 'Performance_schema_index_stat_lost')`;

/** Databases that hold the server's own tables, never audited. */
export const SYSTEM_SCHEMAS = ['mysql', 'information_schema', 'performance_schema', 'sys'] as const;

/** Every database but the server's own. */
export const ALL_SCHEMAS_QUERY = `SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN (?) ORDER BY 1`;
/** Which of the databases named exist. */
export const NAMED_SCHEMAS_QUERY = `SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?) ORDER BY 1`;

/** Base tables; MariaDB lists system-versioned tables apart. Views and sequences hold no indexes. */
export const TABLES_QUERY = `
SELECT TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name, ENGINE AS engine, TABLE_ROWS AS table_rows,
       DATA_LENGTH AS data_length, INDEX_LENGTH AS index_length, TABLE_COLLATION AS table_collation,
       TABLE_COMMENT AS table_comment, TIMESTAMPDIFF(SECOND, CREATE_TIME, NOW()) AS changed_seconds_ago
FROM information_schema.TABLES
WHERE TABLE_SCHEMA IN (?) AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')
ORDER BY TABLE_SCHEMA, TABLE_NAME`;

/** Columns of every table and view, in table order. */
export const COLUMNS_QUERY = `
SELECT TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name, COLUMN_NAME AS column_name,
       ORDINAL_POSITION AS ordinal_position, DATA_TYPE AS data_type, COLUMN_TYPE AS column_type,
       IS_NULLABLE AS is_nullable, COLLATION_NAME AS collation_name
FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA IN (?)
ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION`;

/** Key parts of every index, in SEQ_IN_INDEX order, with the columns this server version has. */
export function keyPartsQuery(features: MysqlFeatures): string {
  const extra = [
    features.visibility === 'ignored' ? 'IGNORED AS ignored' : null,
    features.visibility === 'invisible' ? 'IS_VISIBLE AS is_visible' : null,
    features.expressionKeys ? 'EXPRESSION AS expression' : null,
  ].filter((c) => c !== null);
  return `
SELECT TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name, INDEX_NAME AS index_name, SEQ_IN_INDEX AS seq_in_index,
       COLUMN_NAME AS column_name, COLLATION AS collation, CARDINALITY AS cardinality, SUB_PART AS sub_part,
       INDEX_TYPE AS index_type, NON_UNIQUE AS non_unique, INDEX_COMMENT AS index_comment${extra.map((c) => `, ${c}`).join('')}
FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA IN (?)
ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME <> 'PRIMARY', INDEX_NAME, SEQ_IN_INDEX`;
}

/** PRIMARY KEY and UNIQUE constraints, each implemented by the index of the same name. */
export const CONSTRAINTS_QUERY = `
SELECT TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name, CONSTRAINT_NAME AS constraint_name,
       CONSTRAINT_TYPE AS constraint_type
FROM information_schema.TABLE_CONSTRAINTS
WHERE TABLE_SCHEMA IN (?) AND CONSTRAINT_TYPE IN ('PRIMARY KEY', 'UNIQUE')`;

/** Foreign keys, one row per column pair, with their actions and the referenced index the server uses. */
export const FOREIGN_KEYS_QUERY = `
SELECT k.CONSTRAINT_SCHEMA AS constraint_schema, k.CONSTRAINT_NAME AS constraint_name, k.TABLE_NAME AS table_name,
       k.COLUMN_NAME AS column_name, k.ORDINAL_POSITION AS ordinal_position,
       k.REFERENCED_TABLE_SCHEMA AS referenced_table_schema, k.REFERENCED_TABLE_NAME AS referenced_table_name,
       k.REFERENCED_COLUMN_NAME AS referenced_column_name, r.UPDATE_RULE AS update_rule, r.DELETE_RULE AS delete_rule,
       r.UNIQUE_CONSTRAINT_NAME AS unique_constraint_name
FROM information_schema.KEY_COLUMN_USAGE k
JOIN information_schema.REFERENTIAL_CONSTRAINTS r
  ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME
WHERE k.TABLE_SCHEMA IN (?) AND k.REFERENCED_TABLE_NAME IS NOT NULL
ORDER BY k.CONSTRAINT_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`;

/**
 * InnoDB's persistent statistics: pages per index (stat_name 'size') and distinct values per key
 * prefix (n_diff_pfx01, n_diff_pfx02, …). Partitions appear as `table#P#part`.
 */
export const INNODB_INDEX_STATS_QUERY = `
SELECT database_name, table_name, index_name, stat_name, stat_value
FROM mysql.innodb_index_stats
WHERE (stat_name = 'size' OR stat_name LIKE 'n_diff_pfx%') AND database_name IN (?)`;

/** MySQL 8 histograms (ANALYZE TABLE … UPDATE HISTOGRAM ON …). */
export const HISTOGRAMS_QUERY = `
SELECT SCHEMA_NAME AS schema_name, TABLE_NAME AS table_name, COLUMN_NAME AS column_name, HISTOGRAM AS histogram
FROM information_schema.COLUMN_STATISTICS
WHERE SCHEMA_NAME IN (?)`;

/** MariaDB engine-independent statistics (ANALYZE TABLE … PERSISTENT FOR …). */
export const COLUMN_STATS_QUERY = `
SELECT c.db_name, c.table_name, c.column_name, c.nulls_ratio, c.avg_length, c.avg_frequency, c.hist_type,
       CASE WHEN c.hist_type = 'JSON_HB' THEN CONVERT(c.histogram USING utf8mb4) END AS histogram, t.cardinality
FROM mysql.column_stats c
LEFT JOIN mysql.table_stats t ON t.db_name = c.db_name AND t.table_name = c.table_name
WHERE c.db_name IN (?)`;

/** Whether table I/O is counted at all: the instrument, the consumer, and the per-object switches. */
export const INSTRUMENTATION_QUERY = `
SELECT 'instrument' AS kind, NAME AS name, NULL AS object_name, ENABLED AS enabled
  FROM performance_schema.setup_instruments WHERE NAME = 'wait/io/table/sql/handler'
UNION ALL
SELECT 'consumer', NAME, NULL, ENABLED FROM performance_schema.setup_consumers WHERE NAME = 'global_instrumentation'
UNION ALL
SELECT 'object', OBJECT_SCHEMA, OBJECT_NAME, ENABLED FROM performance_schema.setup_objects WHERE OBJECT_TYPE = 'TABLE'`;

/** Rows read per index since the server started; INDEX_NAME NULL counts rows read by table scans. */
export const INDEX_IO_QUERY = `
SELECT OBJECT_SCHEMA AS object_schema, OBJECT_NAME AS object_name, INDEX_NAME AS index_name,
       COUNT_READ AS count_read, COUNT_FETCH AS count_fetch
FROM performance_schema.table_io_waits_summary_by_index_usage
WHERE OBJECT_TYPE = 'TABLE' AND OBJECT_SCHEMA IN (?)`;

export const TABLE_IO_QUERY = `
SELECT OBJECT_SCHEMA AS object_schema, OBJECT_NAME AS object_name, COUNT_FETCH AS count_fetch,
       COUNT_INSERT AS count_insert, COUNT_UPDATE AS count_update, COUNT_DELETE AS count_delete
FROM performance_schema.table_io_waits_summary_by_table
WHERE OBJECT_TYPE = 'TABLE' AND OBJECT_SCHEMA IN (?)`;
