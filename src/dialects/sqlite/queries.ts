/**
 * The catalog queries of a SQLite audit: sqlite_schema joined with the table-valued pragma
 * functions, one query per kind of object over every table, never one per table.
 */

/** Tables written by SQLite itself (sqlite_sequence, sqlite_stat1, …) are not the application's. */
const USER_OBJECT = `s.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`;

/** The file's facts: library version, page size and counts, encoding, the application's version stamps. */
export const DATABASE_QUERY = `
SELECT sqlite_version() AS version, p.page_size, c.page_count, f.freelist_count, e.encoding, u.user_version,
       a.application_id, v.auto_vacuum,
       EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'sqlite_stat1') AS has_stat1
FROM pragma_page_size p, pragma_page_count c, pragma_freelist_count f, pragma_encoding e, pragma_user_version u,
     pragma_application_id a, pragma_auto_vacuum v`;

/** Tables, views and virtual tables with their CREATE text; `wr` is 1 for WITHOUT ROWID. */
export const RELATIONS_QUERY = `
SELECT s.name, s.type AS schema_type, l.type, l.wr, l.strict, s.sql
FROM sqlite_schema s JOIN pragma_table_list l ON l.schema = 'main' AND l.name = s.name
WHERE s.type IN ('table', 'view') AND ${USER_OBJECT}
ORDER BY s.name`;

/** Columns of every table, hidden and generated ones included (`hidden`: 2 virtual, 3 stored generated). */
export const COLUMNS_QUERY = `
SELECT s.name AS table_name, c.cid, c.name, c.type, c."notnull" AS not_null, c.pk, c.hidden
FROM sqlite_schema s JOIN pragma_table_xinfo(s.name) c
WHERE s.type = 'table' AND ${USER_OBJECT}
ORDER BY s.name, c.cid`;

/**
 * Every index with its columns (pragma_index_xinfo: cid -2 is an expression, -1 the rowid; `key`
 * 0 marks the columns SQLite appends after the keys) and its CREATE INDEX text (NULL for the
 * automatic index of a UNIQUE or PRIMARY KEY constraint).
 */
export const INDEX_COLUMNS_QUERY = `
SELECT s.name AS table_name, il.name AS index_name, il."unique" AS is_unique, il.origin, il.partial,
       x.seqno, x.cid, x.name AS column_name, x."desc" AS descending, x.coll AS collation, x."key" AS is_key, i.sql
FROM sqlite_schema s
JOIN pragma_index_list(s.name) il
JOIN pragma_index_xinfo(il.name) x
LEFT JOIN sqlite_schema i ON i.type = 'index' AND i.name = il.name
WHERE s.type = 'table' AND ${USER_OBJECT}
ORDER BY s.name, il.name, x.seqno`;

/** Foreign keys, one row per column pair; `to` is NULL when the parent's primary key is meant. */
export const FOREIGN_KEYS_QUERY = `
SELECT s.name AS table_name, f.id, f.seq, f."table" AS referenced_table, f."from" AS column_name, f."to" AS referenced_column,
       f.on_update, f.on_delete
FROM sqlite_schema s JOIN pragma_foreign_key_list(s.name) f
WHERE s.type = 'table' AND ${USER_OBJECT}
ORDER BY s.name, f.id, f.seq`;

/** ANALYZE's results: "rows avg-rows-per-key-prefix…" per index (idx NULL: a table without index). */
export const STAT1_QUERY = `SELECT tbl, idx, stat FROM sqlite_stat1`;

/** Bytes per b-tree (a table, an index, a WITHOUT ROWID table), from the dbstat virtual table. */
export const SIZES_QUERY = `SELECT name, pgsize AS bytes FROM dbstat WHERE aggregate = TRUE`;
