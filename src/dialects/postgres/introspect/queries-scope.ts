/** SQL fragments that every catalog query uses to stay within the audit's scope. */

/** Schemas that are never the user's. */
export const SYSTEM_SCHEMA_FILTER = `n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'`;

/** Tables in scope: user schemas, permanent or unlogged, not owned by an extension. */
export const TABLE_SCOPE = `c.relkind IN ('r', 'p', 'm')
  AND c.relpersistence <> 't'
  AND ${SYSTEM_SCHEMA_FILTER}
  AND ($1::text[] IS NULL OR n.nspname = ANY ($1::text[]))
  AND NOT EXISTS (
    SELECT 1 FROM pg_catalog.pg_depend d
    WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')`;

/**
 * Joins the comment of a relation: what obj_description(oid, 'pg_class') returns (pg_description
 * is unique on objoid, classoid, objsubid), without running that SQL function once per row.
 */
export function commentOf(oid: string, alias: string): string {
  return `${alias}.objoid = ${oid} AND ${alias}.classoid = 'pg_catalog.pg_class'::regclass AND ${alias}.objsubid = 0`;
}

/**
 * Relations another session holds or waits for an ACCESS EXCLUSIVE lock on (DDL, LOCK TABLE):
 * pg_relation_size would queue behind that lock and the audit would fail at its lock timeout, so
 * their size is not measured. Uncorrelated, so PostgreSQL builds it once per query (a hashed
 * subplan), not once per row.
 */
const LOCKED_BY_OTHERS = `(SELECT l.relation FROM pg_catalog.pg_locks l
   WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock' AND l.pid <> pg_catalog.pg_backend_pid()
     AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = current_database()))`;

/**
 * The size of relation `oid` in bytes (`AS size_bytes`) without waiting for any lock, and whether
 * it was left unmeasured because another session locks it (`AS size_locked`).
 */
export function sizeWithoutWaiting(oid: string): string {
  return `CASE WHEN ${oid} IN ${LOCKED_BY_OTHERS} THEN NULL ELSE pg_catalog.pg_relation_size(${oid})::float8 END AS size_bytes,
       ${oid} IN ${LOCKED_BY_OTHERS} AS size_locked`;
}
