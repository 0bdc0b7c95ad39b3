/**
 * PostgreSQL's side of `dbdoctor apply`: a session advisory lock per database, `lock_timeout` and
 * `statement_timeout`, the journal in schema `dbdoctor`, and the catalog lookups of catalog-state.ts.
 */
import type { ApplyDialect, JournalSql } from '../apply-types.js';
import { describeApplyTimeouts } from '../emitters.js';
import type { Queryable } from '../types.js';
import { UserError } from '../../util/errors.js';
import { checkApplyPrivileges, checkJournalAccess, JOURNAL_SCHEMA, JOURNAL_TABLE } from './apply-privileges.js';
import { constraintExists, isAttached, liveIndex } from './catalog-state.js';

/** Advisory lock key held while an apply or rollback runs ("dbdoctor" in ASCII). */
const APPLY_LOCK = '7233166094848012146';

/** lock_not_available (lock_timeout) and deadlock_detected: the statement did nothing and may succeed later. */
const LOCK_TIMEOUT = '55P03';
const DEADLOCK = '40P01';

const journal: JournalSql = {
  table: JOURNAL_TABLE,
  setup: [
    `CREATE SCHEMA IF NOT EXISTS ${JOURNAL_SCHEMA}`,
    `CREATE TABLE IF NOT EXISTS ${JOURNAL_TABLE} (
  run_id     text        NOT NULL,
  position   integer     NOT NULL,
  total      integer     NOT NULL,
  step_id    text        NOT NULL,
  summary    text        NOT NULL,
  step       jsonb       NOT NULL,
  status     text        NOT NULL DEFAULT 'pending',
  up_done    integer     NOT NULL DEFAULT 0,
  down_done  integer     NOT NULL DEFAULT 0,
  attempts   integer     NOT NULL DEFAULT 0,
  error      text,
  source     text        NOT NULL,
  target     text        NOT NULL,
  started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (run_id, position)
)`,
    `COMMENT ON TABLE ${JOURNAL_TABLE} IS 'Steps of dbdoctor apply runs: what ran, what failed, what was rolled back. Safe to drop when no apply is in progress.'`,
  ],
  upgrade: [`ALTER TABLE ${JOURNAL_TABLE} ADD COLUMN IF NOT EXISTS left_definition text`],
  existsQuery: `SELECT 1 WHERE to_regclass('${JOURNAL_TABLE}') IS NOT NULL`,
  now: 'clock_timestamp()',
  placeholders: (sql) => {
    let n = 0;
    return sql.replace(/\?/g, () => `$${++n}`);
  },
};

/** Apply on PostgreSQL. The connection must be in autocommit mode: CONCURRENTLY statements cannot run in a transaction. */
export const postgresApply: ApplyDialect = {
  journal,
  async tryLock(db: Queryable) {
    const { rows } = await db.query(`SELECT pg_catalog.pg_try_advisory_lock(${APPLY_LOCK}) AS locked`);
    if ((rows[0] as { locked: boolean } | undefined)?.locked !== true) return null;
    return async () => {
      await db.query(`SELECT pg_catalog.pg_advisory_unlock(${APPLY_LOCK})`);
    };
  },
  async setTimeouts(db, timeouts) {
    await db.query(`SET lock_timeout = ${Math.max(0, Math.floor(timeouts.lockTimeoutMs))}`);
    await db.query(`SET statement_timeout = ${Math.max(0, Math.floor(timeouts.statementTimeoutMs))}`);
  },
  describeTimeouts: (timeouts) => describeApplyTimeouts('postgres', timeouts.lockTimeoutMs, timeouts.statementTimeoutMs),
  retryReason: (code) => (code === LOCK_TIMEOUT ? 'lock-timeout' : code === DEADLOCK ? 'deadlock' : null),
  liveIndex: (db, index) => liveIndex(db, index.schema, index.name),
  constraintExists,
  isAttached,
  checkJournalAccess,
  checkApplyPrivileges,
  atomically: (_db, work) => work(),
  async backendId(db) {
    const { rows } = await db.query('SELECT pg_backend_pid() AS pid');
    const pid = Number((rows[0] as { pid: number | string } | undefined)?.pid);
    if (!Number.isFinite(pid)) throw new UserError('the server did not say which process runs this session');
    return pid;
  },
};
