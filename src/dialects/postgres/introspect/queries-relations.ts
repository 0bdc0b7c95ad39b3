/** Foreign keys, and the other relations whose names a new index cannot take. */
import { SYSTEM_SCHEMA_FILTER, TABLE_SCOPE } from './queries-scope.js';

/**
 * Foreign keys with their per-position arrays; column names, collations and the operator
 * families of the equality operators are looked up client-side (foreign-keys.ts) from rows read
 * once, rather than in a subquery per foreign key, which cost more than the rest of the query.
 */
export const FOREIGN_KEYS_QUERY = `
SELECT n.nspname AS schema,
       f.conname AS name,
       c.relname AS table_name,
       rn.nspname AS referenced_schema,
       r.relname AS referenced_table,
       f.confrelid::int8::float8 AS referenced_oid,
       f.confdeltype AS on_delete,
       f.confupdtype AS on_update,
       f.convalidated AS validated,
       pg_catalog.pg_get_constraintdef(f.oid, true) AS definition,
       array_to_json(f.conkey) AS key_attnums,
       array_to_json(f.confkey) AS referenced_attnums,
       array_to_json(f.conpfeqop::int8[]) AS equality_operators
FROM pg_catalog.pg_constraint f
JOIN pg_catalog.pg_class c ON c.oid = f.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_class r ON r.oid = f.confrelid
JOIN pg_catalog.pg_namespace rn ON rn.oid = r.relnamespace
WHERE f.contype = 'f' AND ${TABLE_SCOPE}
  -- A partition inherits its parent's foreign key; the parent's constraint is the one to act on.
  AND f.conparentid = 0
ORDER BY n.nspname, c.relname, f.conname`;

/**
 * The operator families that contain each equality operator foreign keys compare with (a few
 * distinct operators, whatever the number of foreign keys): only an index key in one of them
 * serves the referential check.
 */
export const EQUALITY_OPFAMILIES_QUERY = `
SELECT ao.amopopr::int8::float8 AS operator,
       json_agg(DISTINCT quote_ident(ofn.nspname) || '.' || quote_ident(opf.opfname)) AS opfamilies
FROM pg_catalog.pg_amop ao
JOIN pg_catalog.pg_opfamily opf ON opf.oid = ao.amopfamily
JOIN pg_catalog.pg_namespace ofn ON ofn.oid = opf.opfnamespace
WHERE ao.amopopr IN (SELECT DISTINCT unnest(f.conpfeqop) FROM pg_catalog.pg_constraint f WHERE f.contype = 'f')
GROUP BY ao.amopopr`;

/** Column names of tables outside the audit's scope that foreign keys reference (`$1`: their oids). */
export const REFERENCED_COLUMNS_QUERY = `
SELECT a.attrelid::int8::float8 AS table_oid, a.attnum::int AS position, a.attname AS name
FROM pg_catalog.pg_attribute a
WHERE a.attrelid = ANY ($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped`;

/**
 * The other relations of the schemas in scope, whose names a new index cannot take: sequences,
 * views, composite types, foreign tables, and the tables an extension owns with their indexes
 * (left out of the audit, but their names are taken all the same).
 */
export const OTHER_RELATIONS_QUERY = `
WITH extension_tables AS MATERIALIZED (
  SELECT d.objid FROM pg_catalog.pg_depend d
   WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.deptype = 'e')
SELECT n.nspname AS schema, c.relname AS name
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE ${SYSTEM_SCHEMA_FILTER}
  AND ($1::text[] IS NULL OR n.nspname = ANY ($1::text[]))
  AND (c.relkind NOT IN ('r', 'p', 'm', 'i', 'I')
       OR c.oid IN (SELECT objid FROM extension_tables)
       OR c.oid IN (SELECT x.indexrelid FROM pg_catalog.pg_index x WHERE x.indrelid IN (SELECT objid FROM extension_tables)))`;
