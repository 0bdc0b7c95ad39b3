/**
 * Catalog queries: one per kind of object, each over every table in scope at once, so the
 * cost of an audit grows with the number of objects, not with round trips. Nothing here takes a
 * lock a writer waits for: catalog reads take none, and pg_relation_size holds an
 * ACCESS SHARE lock only while it measures, and is not called on a relation another session
 * locks (its size is then unknown, never waited for).
 *
 * `$1` is the list of schemas in scope (`text[]`, or NULL for every user schema), unless a
 * query's comment says otherwise.
 */
import { SYSTEM_SCHEMA_FILTER, TABLE_SCOPE, commentOf, sizeWithoutWaiting } from './queries-scope.js';

export * from './queries-statistics.js';
export * from './queries-relations.js';

/** Features that differ across the supported PostgreSQL versions (12 to 18). */
export interface PostgresFeatures {
  /** pg_index.indnullsnotdistinct (15+). */
  readonly nullsNotDistinct: boolean;
  /** pg_stat_user_indexes.last_idx_scan (16+). */
  readonly lastIndexScan: boolean;
}

/** Feature flags for a server version number (`server_version_num`). */
export function featuresFor(versionNum: number): PostgresFeatures {
  return { nullsNotDistinct: versionNum >= 150000, lastIndexScan: versionNum >= 160000 };
}

export const DATABASE_QUERY = `
SELECT current_database() AS name,
       current_setting('server_version') AS server_version,
       current_setting('server_version_num')::int AS server_version_num,
       (SELECT stats_reset FROM pg_catalog.pg_stat_database WHERE datname = current_database())::text AS stats_reset,
       now()::text AS read_at,
       pg_catalog.pg_is_in_recovery() AS in_recovery,
       -- Since when the cluster's statistics count (a crash recovery discards them and restarts this clock).
       (SELECT stats_reset FROM pg_catalog.pg_stat_bgwriter)::text AS cluster_stats_since,
       -- Whether the role may read the database's creation time (CREATED_AT_QUERY): EXECUTE is checked even in an untaken CASE branch.
       pg_catalog.has_function_privilege('pg_catalog.pg_stat_file(text, boolean)', 'EXECUTE') AS can_stat_file,
       d.oid::int AS database_oid,
       -- The default collation when the libc provider gives it (ICU and builtin defaults are not C for LIKE).
       CASE WHEN coalesce(pg_catalog.to_jsonb(d) ->> 'datlocprovider', 'c') = 'c' THEN d.datcollate::text END AS default_collation
FROM pg_catalog.pg_database d
WHERE d.datname = current_database()`;

/** Settings an audit reasons about; read in one query, absent ones simply do not come back. */
export const AUDIT_SETTINGS: readonly string[] = [
  'track_counts',
  'track_io_timing',
  'track_activities',
  'log_min_duration_statement',
  'shared_preload_libraries',
  'pg_stat_statements.track',
  'pg_stat_statements.max',
  'max_connections',
  'superuser_reserved_connections',
  'reserved_connections',
  'autovacuum',
  'default_statistics_target',
  'random_page_cost',
  'work_mem',
  'shared_buffers',
  'effective_cache_size',
  'max_identifier_length',
];

/** When the database was created: the modification time of its directory's PG_VERSION file (needs pg_stat_file). */
export const CREATED_AT_QUERY = `
SELECT (pg_catalog.pg_stat_file('base/' || $1::int || '/PG_VERSION', true)).modification::text AS created_at`;

export const SETTINGS_QUERY = `
SELECT name, setting, unit
FROM pg_catalog.pg_settings
WHERE name = ANY ($1::text[])`;

export const EXTENSIONS_QUERY = `
SELECT e.extname AS name, e.extversion AS version, n.nspname AS schema
FROM pg_catalog.pg_extension e
JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
ORDER BY 1`;

export const SCHEMAS_QUERY = `
SELECT n.nspname AS name
FROM pg_catalog.pg_namespace n
WHERE ${SYSTEM_SCHEMA_FILTER}
  AND ($1::text[] IS NULL OR n.nspname = ANY ($1::text[]))
  AND NOT EXISTS (
    SELECT 1 FROM pg_catalog.pg_depend d
    WHERE d.classid = 'pg_catalog.pg_namespace'::regclass AND d.objid = n.oid AND d.deptype = 'e')
ORDER BY 1`;

export const TABLES_QUERY = `
SELECT c.oid::int8::text AS oid,
       n.nspname AS schema,
       c.relname AS name,
       -- How pg_get_indexdef names the table of an index.
       quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS quoted_name,
       c.relkind AS relkind,
       c.relispartition AS is_partition,
       pn.nspname AS parent_schema,
       pc.relname AS parent_name,
       CASE WHEN c.reltuples < 0 THEN NULL ELSE c.reltuples::float8 END AS row_estimate,
       ${sizeWithoutWaiting('c.oid')},
       c.relreplident AS replica_identity,
       ri.relname AS replica_identity_index,
       tdesc.description AS comment
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_inherits inh ON c.relispartition AND inh.inhrelid = c.oid
LEFT JOIN pg_catalog.pg_class pc ON pc.oid = inh.inhparent
LEFT JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
LEFT JOIN pg_catalog.pg_index rix ON rix.indrelid = c.oid AND rix.indisreplident
LEFT JOIN pg_catalog.pg_class ri ON ri.oid = rix.indexrelid
LEFT JOIN pg_catalog.pg_description tdesc ON ${commentOf('c.oid', 'tdesc')}
WHERE ${TABLE_SCOPE}
ORDER BY n.nspname, c.relname`;

export const COLUMNS_QUERY = `
SELECT n.nspname AS schema,
       c.relname AS table_name,
       a.attname AS name,
       a.attnum::int AS position,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS type,
       a.attnotnull AS not_null,
       CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation
            THEN quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END AS collation,
       COALESCE(bt.typcategory, t.typcategory)::text AS type_category,
       COALESCE(bt.typname, t.typname)::text AS base_type_name,
       COALESCE(bt.oid, t.oid)::int8::float8 AS base_type_oid,
       a.attcollation::int8::float8 AS collation_oid,
       -- How pg_get_indexdef prints a column key (quoted only where PostgreSQL must).
       quote_ident(a.attname) AS quoted_name
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation
LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
WHERE a.attnum > 0 AND NOT a.attisdropped AND ${TABLE_SCOPE}
ORDER BY n.nspname, c.relname, a.attnum`;

/**
 * Operator classes and collations (a few hundred rows, even with ICU), each read once: the index
 * query returns their oids per key, and the keys are put together client-side (joining them per
 * key on the server cost as much as the rest of the index query).
 */
export const OPCLASSES_QUERY = `
SELECT oc.oid::int8::float8 AS oid,
       quote_ident(ocn.nspname) || '.' || quote_ident(oc.opcname) AS name,
       oc.opcdefault AS is_default,
       quote_ident(ofn.nspname) || '.' || quote_ident(opf.opfname) AS family,
       oc.opcintype::int8::float8 AS input_type,
       -- Whether a key with this opclass can carry opclass options (13+: an options support
       -- function, number 5 for btree and 3 for hash), which pg_get_indexdef prints.
       EXISTS (SELECT 1 FROM pg_catalog.pg_amproc p
                WHERE p.amprocfamily = oc.opcfamily AND p.amproclefttype = oc.opcintype
                  AND p.amprocnum = CASE am.amname WHEN 'btree' THEN 5 WHEN 'hash' THEN 3 ELSE -1 END) AS may_have_options
FROM pg_catalog.pg_opclass oc
JOIN pg_catalog.pg_am am ON am.oid = oc.opcmethod
JOIN pg_catalog.pg_namespace ocn ON ocn.oid = oc.opcnamespace
JOIN pg_catalog.pg_opfamily opf ON opf.oid = oc.opcfamily
JOIN pg_catalog.pg_namespace ofn ON ofn.oid = opf.opfnamespace`;

/**
 * Exact definitions of the indexes whose definition is not put together client-side
 * (see index-definition.ts); `$1` is their oids.
 */
export const INDEX_DEFINITIONS_QUERY = `
SELECT o.oid::int8::float8 AS oid, pg_catalog.pg_get_indexdef(o.oid) AS definition
FROM unnest($1::oid[]) AS o(oid)`;

export const COLLATIONS_QUERY = `
SELECT co.oid::int8::float8 AS oid, quote_ident(cn.nspname) || '.' || quote_ident(co.collname) AS name
FROM pg_catalog.pg_collation co
JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace`;

/**
 * Per-key arrays (attnums, opclass and collation oids, options) come back as JSON so that they
 * parse the same in every client; the keys are assembled client-side ({@link OPCLASSES_QUERY}).
 *
 * The referencing foreign keys are computed for all indexes in scope at once (a grouped derived
 * table joined by index oid), not in a subquery per index: pg_constraint has no index on
 * conindid, so a per-index subquery scanned it once per index (quadratic).
 */
export function indexesQuery(features: PostgresFeatures): string {
  const nullsNotDistinct = features.nullsNotDistinct ? 'x.indnullsnotdistinct' : 'false';
  return `
SELECT n.nspname AS schema,
       i.relname AS name,
       i.oid::int8::float8 AS oid,
       c.relname AS table_name,
       am.amname AS method,
       x.indisunique AS is_unique,
       x.indisprimary AS is_primary,
       ${nullsNotDistinct} AS nulls_not_distinct,
       x.indisvalid AS is_valid,
       x.indisready AS is_ready,
       x.indisreplident AS is_replica_identity,
       x.indnkeyatts::int AS key_count,
       i.relkind = 'I' AS is_partitioned,
       pg_catalog.pg_get_expr(x.indpred, x.indrelid, true) AS predicate,
       -- pg_get_indexdef opens the table of every index it prints (a relcache entry each), which
       -- was most of this query's time; the definition of an index on plain columns with no
       -- predicate or storage parameters is put together client-side instead (index-definition.ts).
       CASE WHEN x.indexprs IS NOT NULL OR x.indpred IS NOT NULL OR i.reloptions IS NOT NULL OR am.amname NOT IN ('btree', 'hash')
            THEN pg_catalog.pg_get_indexdef(x.indexrelid) END AS definition,
       quote_ident(i.relname) AS quoted_name,
       ${sizeWithoutWaiting('x.indexrelid')},
       ts.spcname AS tablespace,
       i.reloptions AS storage_parameters,
       idesc.description AS comment,
       con.conname AS constraint_name,
       con.contype AS constraint_type,
       con.condeferrable AS constraint_deferrable,
       CASE WHEN con.oid IS NOT NULL THEN pg_catalog.pg_get_constraintdef(con.oid, true) END AS constraint_definition,
       pin.nspname AS parent_index_schema,
       pi.relname AS parent_index_name,
       rfk.fks AS referencing_fks,
       array_to_json(x.indkey::int2[]) AS key_attnums,
       array_to_json(x.indclass::oid[]) AS key_opclasses,
       array_to_json(x.indcollation::oid[]) AS key_collations,
       array_to_json(x.indoption::int2[]) AS key_options,
       -- Expressions only for the few indexes that have one; column keys are named client-side.
       CASE WHEN 0 = ANY (x.indkey::int2[]) THEN
         (SELECT json_agg(CASE WHEN k.attnum = 0 THEN pg_catalog.pg_get_indexdef(x.indexrelid, k.pos::int, true) END ORDER BY k.pos)
            FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, pos))
       END AS key_expressions
FROM pg_catalog.pg_index x
JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
JOIN pg_catalog.pg_class c ON c.oid = x.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_am am ON am.oid = i.relam
LEFT JOIN pg_catalog.pg_tablespace ts ON ts.oid = i.reltablespace
LEFT JOIN pg_catalog.pg_description idesc ON ${commentOf('i.oid', 'idesc')}
LEFT JOIN pg_catalog.pg_constraint con ON con.conindid = x.indexrelid AND con.conrelid = x.indrelid AND con.contype IN ('p', 'u', 'x')
LEFT JOIN pg_catalog.pg_inherits pinh ON i.relispartition AND pinh.inhrelid = i.oid
LEFT JOIN pg_catalog.pg_class pi ON pi.oid = pinh.inhparent
LEFT JOIN pg_catalog.pg_namespace pin ON pin.oid = pi.relnamespace
LEFT JOIN (
  SELECT f.conindid,
         json_agg(json_build_object('schema', fn.nspname, 'name', f.conname) ORDER BY fn.nspname, f.conname) AS fks
    FROM pg_catalog.pg_constraint f
    JOIN pg_catalog.pg_namespace fn ON fn.oid = f.connamespace
   WHERE f.contype = 'f' AND f.conparentid = 0
   GROUP BY f.conindid) rfk ON rfk.conindid = x.indexrelid
WHERE ${TABLE_SCOPE}
ORDER BY n.nspname, c.relname, i.relname`;
}
