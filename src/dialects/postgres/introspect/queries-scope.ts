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
