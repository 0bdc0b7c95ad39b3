/**
 * MySQL/MariaDB's side of `dbdoctor apply`. The journal is a table `dbdoctor_journal` in the
 * database the URL names (not a separate `dbdoctor` database: a user granted one database can keep
 * its journal there, and the journal travels with a dump of it). One apply per database at a time:
 * `GET_LOCK` on a name built from the database's, held by the apply's session (the server frees it
 * when the session ends, killed or not). DDL commits on its own, so every statement is journaled
 * before and after it runs: a resumed run knows which ones are done.
 */
import { liveIndexOf, type ApplyDialect, type ChangedTable, type JournalSql, type LiveIndex } from '../apply-types.js';
import type { Queryable } from '../types.js';
import { UserError } from '../../util/errors.js';
import { introspectMysql } from './introspect.js';
import { describeApplyTimeouts } from '../emitters.js';
import type { MysqlFeatures } from './server.js';
import type { MysqlQueryable } from './session.js';

const TABLE = 'dbdoctor_journal';
/** The lock's name: one per database, at most the 64 characters GET_LOCK takes. */
const LOCK_NAME = `LEFT(CONCAT('dbdoctor apply ', DATABASE()), 64)`;
/** The session user as information_schema's GRANTEE column spells it: 'user'@'host'. */
const GRANTEE = `CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')`;

const journal: JournalSql = {
  table: TABLE,
  setup: [
    `CREATE TABLE IF NOT EXISTS ${TABLE} (
  run_id          VARCHAR(64)  NOT NULL,
  position        INT          NOT NULL,
  total           INT          NOT NULL,
  step_id         TEXT         NOT NULL,
  summary         TEXT         NOT NULL,
  step            LONGTEXT     NOT NULL,
  status          VARCHAR(32)  NOT NULL DEFAULT 'pending',
  up_done         INT          NOT NULL DEFAULT 0,
  down_done       INT          NOT NULL DEFAULT 0,
  attempts        INT          NOT NULL DEFAULT 0,
  error           TEXT,
  source          TEXT         NOT NULL,
  target          TEXT         NOT NULL,
  started_at      DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at      DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  left_definition TEXT,
  PRIMARY KEY (run_id, position)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='Steps of dbdoctor apply runs: what ran, what failed, what was rolled back. Safe to drop when no apply is in progress.'`,
  ],
  upgrade: [],
  existsQuery: `SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '${TABLE}'`,
  now: 'CURRENT_TIMESTAMP(6)',
  placeholders: (sql) => sql,
};

/** mysql2's `[rows, fields]` as the `{ rows }` the engine reads. */
export function mysqlQueryable(connection: MysqlQueryable): Queryable {
  return {
    query: async (sql, params) => {
      const [rows] = await connection.query(sql, params);
      return { rows: Array.isArray(rows) ? (rows as unknown[]) : [] };
    },
  };
}

async function one<T>(db: Queryable, sql: string, params: unknown[] = []): Promise<T> {
  return (await db.query(sql, params)).rows[0] as T;
}

/**
 * Whether a role is enabled in the session (MariaDB 10.0.5+, MySQL 8.0.19+; an older server has no
 * roles, nor the ENABLED_ROLES table). COUNT skips the one row of NULL MariaDB answers without one.
 */
async function hasEnabledRole(db: Queryable): Promise<boolean> {
  const { rows } = await db
    .query('SELECT COUNT(ROLE_NAME) AS roles FROM information_schema.ENABLED_ROLES')
    .catch(() => ({ rows: [{ roles: 0 }] }));
  return Number((rows[0] as { roles?: unknown } | undefined)?.roles ?? 0) > 0;
}

/** A privilege apply needs on a table. */
interface Needed {
  readonly privilege: string;
  readonly schema: string;
  readonly table: string;
}

/**
 * Which of `needed` the session user lacks, in one query whatever their number: each privilege
 * counts granted globally, on the table's database (a grant's database name is a LIKE pattern, as
 * the server reads it: `app\_%`, and an unescaped `_`), or on the table. information_schema does not
 * show a user what its roles grant (MariaDB), so with a role enabled nothing is reported missing: a
 * pre-check must never refuse a user the server would let through (a step that lacks a privilege
 * fails on its own, journaled, changing nothing).
 */
async function missing(db: Queryable, needed: readonly Needed[]): Promise<Needed[]> {
  if (needed.length === 0 || (await hasEnabledRole(db))) return [];
  const { rows } = await db.query(
    `SELECT w.privilege, w.schema_name AS \`schema\`, w.table_name AS \`table\`
       FROM (${needed.map(() => 'SELECT ? AS position, ? AS privilege, ? AS schema_name, ? AS table_name').join(' UNION ALL ')}) w
      WHERE NOT (EXISTS (SELECT 1 FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = ${GRANTEE} AND PRIVILEGE_TYPE = w.privilege)
              OR EXISTS (SELECT 1 FROM information_schema.SCHEMA_PRIVILEGES
                          WHERE GRANTEE = ${GRANTEE} AND w.schema_name LIKE TABLE_SCHEMA AND PRIVILEGE_TYPE = w.privilege)
              OR EXISTS (SELECT 1 FROM information_schema.TABLE_PRIVILEGES
                          WHERE GRANTEE = ${GRANTEE} AND TABLE_SCHEMA = w.schema_name AND TABLE_NAME = w.table_name AND PRIVILEGE_TYPE = w.privilege))
      ORDER BY w.position`,
    needed.flatMap((n, i) => [i, n.privilege, n.schema, n.table]),
  );
  return rows as Needed[];
}

async function sessionFacts(db: Queryable): Promise<{ user: string; database: string | null; readOnly: boolean }> {
  const row = await one<{ user: string; database: string | null; read_only: number | string }>(
    db,
    `SELECT ${GRANTEE} AS user, DATABASE() AS \`database\`, @@global.read_only AS read_only`,
  );
  return { user: row.user, database: row.database, readOnly: Number(row.read_only) === 1 };
}

/**
 * Apply on MySQL/MariaDB, with `connection` (mysql2) for reading the catalog as the audit does and
 * the server's `features` (MariaDB bounds every statement's time, DDL included; MySQL cannot).
 */
export function mysqlApply(connection: MysqlQueryable, features: MysqlFeatures): ApplyDialect {
  const boundsDdl = features.statementTimeout.variable === 'max_statement_time';
  return {
    journal,
    async tryLock(db) {
      const row = await one<{ locked: number | string | null }>(db, `SELECT GET_LOCK(${LOCK_NAME}, 0) AS locked`);
      if (Number(row.locked) !== 1) return null;
      return async () => {
        await db.query(`SELECT RELEASE_LOCK(${LOCK_NAME})`);
      };
    },
    async setTimeouts(db, timeouts) {
      // Every ALTER TABLE takes a metadata lock; lock_wait_timeout bounds the wait for it, in whole seconds (at least 1).
      await db.query(`SET SESSION lock_wait_timeout = ${Math.max(1, Math.ceil(timeouts.lockTimeoutMs / 1000))}`);
      // MariaDB's max_statement_time (seconds, 0 for none) aborts a statement that runs too long, an index build too
      // (ER_STATEMENT_TIMEOUT; InnoDB drops the half-built index). MySQL's max_execution_time bounds SELECT only.
      if (boundsDdl) await db.query('SET SESSION max_statement_time = ?', [Math.max(0, timeouts.statementTimeoutMs) / 1000]);
    },
    describeTimeouts: (timeouts) =>
      describeApplyTimeouts('mysql', timeouts.lockTimeoutMs, timeouts.statementTimeoutMs, boundsDdl ? 'mariadb' : 'mysql'),
    explainFailure: (error) =>
      // An online ALTER stopped by max_statement_time reports ER_QUERY_INTERRUPTED (1317), which a KILL QUERY gives too;
      // other statements report ER_STATEMENT_TIMEOUT (1969), which mysql2 has no name for.
      error.code === 'ER_QUERY_INTERRUPTED' || error.errno === 1969
        ? boundsDdl
          ? 'stopped by max_statement_time (--statement-timeout) or a KILL QUERY; InnoDB rolled the statement back'
          : 'stopped by a KILL QUERY; InnoDB rolled the statement back'
        : null,
    retryReason: (code) => (code === 'ER_LOCK_WAIT_TIMEOUT' ? 'lock-timeout' : code === 'ER_LOCK_DEADLOCK' ? 'deadlock' : null),
    async liveIndex(_db, ref): Promise<LiveIndex | null> {
      // Read as the audit reads it, so that the definition is spelt exactly as the plan's (SHOW CREATE TABLE's line).
      const model = await introspectMysql(connection, { schemas: [ref.schema], database: ref.schema });
      const index = model.indexes.find((i) => i.schema === ref.schema && i.table === ref.table && i.name === ref.name);
      return index ? liveIndexOf(index) : null;
    },
    async constraintExists(db, schema, table, name) {
      const { rows } = await db.query(
        `SELECT 1 FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND CONSTRAINT_NAME = ?`,
        [schema, table, name],
      );
      return rows.length > 0;
    },
    async checkJournalAccess(db) {
      const s = await sessionFacts(db);
      if (s.database === null) {
        throw new UserError(
          'dbdoctor apply on MySQL/MariaDB needs a database in the URL (mysql://user@host/database): its journal is kept there',
        );
      }
      if (s.readOnly) throw new UserError('cannot apply: the server is read-only (read_only is ON; a replica?); apply on its primary');
      const exists = (await db.query(journal.existsQuery)).rows.length > 0;
      const wanted = exists ? ['SELECT', 'INSERT', 'UPDATE'] : ['CREATE', 'SELECT', 'INSERT', 'UPDATE'];
      const database = s.database;
      const lacking = (
        await missing(
          db,
          wanted.map((privilege) => ({ privilege, schema: database, table: TABLE })),
        )
      ).map((n) => n.privilege);
      if (lacking.length > 0) {
        throw new UserError(
          `cannot apply: user ${s.user} lacks ${lacking.join(', ')} on ${s.database}.${TABLE}, the journal apply writes every step to: GRANT ${lacking.join(', ')} ON \`${s.database}\`.${TABLE} TO ${s.user}`,
        );
      }
    },
    async checkApplyPrivileges(db, tables: readonly ChangedTable[]) {
      // ALTER TABLE … ADD/DROP INDEX needs ALTER on the table; every table is checked in one query.
      const [first] = await missing(
        db,
        tables.map((t) => ({ privilege: 'ALTER', schema: t.schema, table: t.table })),
      );
      if (first === undefined) return;
      const s = await sessionFacts(db);
      throw new UserError(
        `cannot apply: user ${s.user} lacks ALTER on ${first.schema}.${first.table}, which changing its indexes needs: GRANT ALTER ON \`${first.schema}\`.\`${first.table}\` TO ${s.user}`,
      );
    },
    atomically: (_db, work) => work(),
  };
}
