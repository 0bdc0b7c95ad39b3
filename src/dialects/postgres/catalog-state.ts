/**
 * What the catalog says right now about one index or constraint, for `apply`: before a step runs
 * (is it still the object the plan was made for? is its effect already there?) and before a
 * rollback undoes one (is the object still what the run left?). One small query each, by name.
 */
import type { Queryable } from '../types.js';
import type { LiveIndex } from '../apply-types.js';

export type { LiveIndex } from '../apply-types.js';

interface LiveIndexRow {
  table: string;
  definition: string;
  valid: boolean;
  conname: string | null;
  contype: string | null;
  condeferrable: boolean | null;
  condeferred: boolean | null;
}

/** The index `schema.name` as it is now, or null when there is none. */
export async function liveIndex(db: Queryable, schema: string, name: string): Promise<LiveIndex | null> {
  const { rows } = await db.query(
    `SELECT t.relname AS table, pg_catalog.pg_get_indexdef(c.oid) AS definition, x.indisvalid AS valid,
            con.conname, con.contype::text AS contype, con.condeferrable, con.condeferred
       FROM pg_catalog.pg_class c
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_catalog.pg_index x ON x.indexrelid = c.oid
       JOIN pg_catalog.pg_class t ON t.oid = x.indrelid
       LEFT JOIN pg_catalog.pg_constraint con ON con.conindid = c.oid AND con.contype IN ('p', 'u', 'x') AND con.conrelid = x.indrelid
      WHERE n.nspname = $1 AND c.relname = $2`,
    [schema, name],
  );
  const row = rows[0] as LiveIndexRow | undefined;
  if (!row) return null;
  return {
    table: row.table,
    definition: row.definition,
    valid: row.valid,
    constraint:
      row.conname === null
        ? null
        : { name: row.conname, type: row.contype ?? '', deferrable: row.condeferrable === true, deferred: row.condeferred === true },
  };
}

/** Whether the table has a constraint of this name. */
export async function constraintExists(db: Queryable, schema: string, table: string, name: string): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM pg_catalog.pg_constraint con
       JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND con.conname = $3`,
    [schema, table, name],
  );
  return rows.length > 0;
}

/** Whether `child` is attached to the partitioned index `parent`. */
export async function isAttached(
  db: Queryable,
  parent: { schema: string; name: string },
  child: { schema: string; name: string },
): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM pg_catalog.pg_inherits i
       JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_catalog.pg_class p ON p.oid = i.inhparent JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND pn.nspname = $3 AND p.relname = $4`,
    [child.schema, child.name, parent.schema, parent.name],
  );
  return rows.length > 0;
}
