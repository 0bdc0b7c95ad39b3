/** The cumulative and planner statistics an audit reads: optional, a role may be refused them. */
import { TABLE_SCOPE } from './queries-scope.js';
import type { PostgresFeatures } from './queries.js';

/**
 * Planner statistics per column, from pg_stats (which shows only columns the role may read, so
 * a limited role gets fewer rows, never an error). A partitioned table has only inherited
 * statistics; a plain table's own ones are preferred. Most common values are fetched as text for
 * scalar columns only: an array column's values are arrays themselves.
 */
export const COLUMN_STATS_QUERY = `
SELECT s.schemaname AS schema,
       s.tablename AS table_name,
       s.attname AS name,
       s.inherited,
       s.null_frac::float8 AS null_frac,
       s.n_distinct::float8 AS n_distinct,
       s.avg_width::int AS avg_width,
       s.correlation::float8 AS correlation,
       array_to_json(s.most_common_freqs) AS most_common_freqs,
       CASE WHEN t.typcategory <> 'A' THEN array_to_json(s.most_common_vals::text::text[]) END AS most_common_vals
FROM pg_catalog.pg_stats s
JOIN pg_catalog.pg_namespace n ON n.nspname = s.schemaname
JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = s.tablename
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attname = s.attname
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
WHERE s.inherited = (c.relkind = 'p') AND ${TABLE_SCOPE}`;

export const TABLE_USAGE_QUERY = `
SELECT s.schemaname AS schema, s.relname AS table_name,
       s.seq_scan::float8 AS seq_scan, s.seq_tup_read::float8 AS seq_tup_read,
       coalesce(s.idx_scan, 0)::float8 AS idx_scan, coalesce(s.idx_tup_fetch, 0)::float8 AS idx_tup_fetch,
       s.n_tup_ins::float8 AS n_tup_ins, s.n_tup_upd::float8 AS n_tup_upd, s.n_tup_hot_upd::float8 AS n_tup_hot_upd,
       s.n_tup_del::float8 AS n_tup_del, s.n_live_tup::float8 AS n_live_tup, s.n_dead_tup::float8 AS n_dead_tup,
       s.last_vacuum::text AS last_vacuum, s.last_autovacuum::text AS last_autovacuum,
       s.last_analyze::text AS last_analyze, s.last_autoanalyze::text AS last_autoanalyze
FROM pg_catalog.pg_stat_user_tables s
WHERE $1::text[] IS NULL OR s.schemaname = ANY ($1::text[])`;

export function indexUsageQuery(features: PostgresFeatures): string {
  const lastScan = features.lastIndexScan ? 's.last_idx_scan::text' : 'NULL::text';
  return `
SELECT s.schemaname AS schema, s.indexrelname AS name,
       s.idx_scan::float8 AS idx_scan, s.idx_tup_read::float8 AS idx_tup_read, s.idx_tup_fetch::float8 AS idx_tup_fetch,
       ${lastScan} AS last_idx_scan
FROM pg_catalog.pg_stat_user_indexes s
WHERE $1::text[] IS NULL OR s.schemaname = ANY ($1::text[])`;
}
