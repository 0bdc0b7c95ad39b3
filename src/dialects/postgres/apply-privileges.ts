/**
 * What `apply` needs of its role, checked before the first statement so that a role that cannot
 * do the work is told which privilege it lacks (one line) rather than failing halfway with the
 * server's message: a writable session (not a standby, not default_transaction_read_only), the
 * journal's schema (CREATE on the database, or on schema dbdoctor when it exists, and write
 * access to the journal table), and ownership of every table whose indexes a step changes
 * (CREATE INDEX, DROP INDEX and ALTER TABLE are the owner's).
 */
import type { Queryable } from '../types.js';
import type { ChangedTable } from '../apply-types.js';
import { UserError } from '../../util/errors.js';

/** The schema apply keeps its journal in (plan/types.ts JOURNAL_SCHEMA names the same, for the layers above). */
export const JOURNAL_SCHEMA = 'dbdoctor';
/** The journal table, schema-qualified. */
export const JOURNAL_TABLE = `${JOURNAL_SCHEMA}.dbdoctor_journal`;

interface SessionRow {
  role: string;
  database: string;
  read_only: string;
  in_recovery: boolean;
  can_create_schema: boolean;
  journal_schema: boolean;
  schema_usage: boolean | null;
  schema_create: boolean | null;
  journal_table: boolean;
  can_write_journal: boolean | null;
}

interface OwnerRow {
  schema: string;
  table: string;
  owner: string;
  owns: boolean;
}

/**
 * Throws a UserError naming what the session lacks to write (a standby, a read-only session) or
 * to keep the journal; resolves when it can. Runs before the journal is first read.
 */
export async function checkJournalAccess(db: Queryable): Promise<void> {
  // Catalog lookups only (no to_regclass): naming a schema the role may not use would fail the check itself.
  const { rows } = await db.query(
    `SELECT current_user AS role, current_database() AS database, current_setting('transaction_read_only') AS read_only,
            pg_catalog.pg_is_in_recovery() AS in_recovery,
            pg_catalog.has_database_privilege(current_database(), 'CREATE') AS can_create_schema,
            n.oid IS NOT NULL AS journal_schema,
            CASE WHEN n.oid IS NOT NULL THEN pg_catalog.has_schema_privilege(n.oid, 'USAGE') END AS schema_usage,
            CASE WHEN n.oid IS NOT NULL THEN pg_catalog.has_schema_privilege(n.oid, 'CREATE') END AS schema_create,
            c.oid IS NOT NULL AS journal_table,
            CASE WHEN c.oid IS NOT NULL THEN pg_catalog.has_table_privilege(c.oid, 'SELECT, INSERT, UPDATE') END AS can_write_journal
       FROM (SELECT 1) AS one
       LEFT JOIN pg_catalog.pg_namespace n ON n.nspname = $1
       LEFT JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = $2`,
    [JOURNAL_SCHEMA, JOURNAL_TABLE.slice(JOURNAL_SCHEMA.length + 1)],
  );
  const s = rows[0] as SessionRow;
  const who = `role ${s.role}`;
  if (s.in_recovery) throw new UserError(`cannot apply: the server is a standby (read-only); apply on its primary`);
  if (s.read_only === 'on') {
    throw new UserError(
      `cannot apply: ${who}'s session is read-only (default_transaction_read_only is on); apply needs a role that can write: ALTER ROLE ${s.role} SET default_transaction_read_only = off, or connect as the tables' owner`,
    );
  }
  if (!s.journal_schema && !s.can_create_schema) {
    throw new UserError(
      `cannot apply: ${who} lacks CREATE on database ${s.database}, which apply needs for its journal (schema ${JOURNAL_SCHEMA}): GRANT CREATE ON DATABASE ${s.database} TO ${s.role}, or CREATE SCHEMA ${JOURNAL_SCHEMA} AUTHORIZATION ${s.role}`,
    );
  }
  if (s.journal_schema && (s.schema_usage === false || (!s.journal_table && s.schema_create === false))) {
    throw new UserError(
      `cannot apply: ${who} lacks ${s.schema_usage === false ? 'USAGE' : 'CREATE'} on schema ${JOURNAL_SCHEMA}, where apply keeps its journal: GRANT USAGE, CREATE ON SCHEMA ${JOURNAL_SCHEMA} TO ${s.role}`,
    );
  }
  if (s.journal_table && s.can_write_journal === false) {
    throw new UserError(
      `cannot apply: ${who} lacks SELECT, INSERT and UPDATE on ${JOURNAL_TABLE}, the journal apply writes every step to: GRANT SELECT, INSERT, UPDATE ON ${JOURNAL_TABLE} TO ${s.role}`,
    );
  }
}

/** Throws a UserError naming the missing privilege; resolves when the role can apply steps changing `tables`. */
export async function checkApplyPrivileges(db: Queryable, tables: readonly ChangedTable[]): Promise<void> {
  await checkJournalAccess(db);
  const who = `role ${((await db.query('SELECT current_user AS role')).rows[0] as { role: string }).role}`;
  if (tables.length === 0) return;
  const owners = await db.query(
    `SELECT n.nspname AS schema, c.relname AS table, pg_catalog.pg_get_userbyid(c.relowner) AS owner,
            pg_catalog.pg_has_role(c.relowner, 'USAGE') AS owns
       FROM unnest($1::text[], $2::text[]) AS t(schema, name)
       JOIN pg_catalog.pg_namespace n ON n.nspname = t.schema
       JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = t.name`,
    [tables.map((t) => t.schema), tables.map((t) => t.table)],
  );
  const notOwned = (owners.rows as OwnerRow[]).filter((r) => !r.owns);
  if (notOwned.length > 0) {
    const first = notOwned[0]!;
    const more = notOwned.length > 1 ? ` (and ${notOwned.length - 1} more table${notOwned.length > 2 ? 's' : ''})` : '';
    throw new UserError(
      `cannot apply: ${who} does not own ${first.schema}.${first.table}${more}; CREATE INDEX, DROP INDEX and ALTER TABLE need the table's owner (${first.owner}) or a member of that role: connect as ${first.owner}, or GRANT ${first.owner} TO ${who.slice(5)}`,
    );
  }
}
