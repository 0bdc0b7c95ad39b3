import type { MysqlFeatures } from './server.js';

/**
 * The one thing the MySQL introspection needs from a connection: `query(sql, values)` answering
 * `[rows, fields]`, as a mysql2/promise connection does. `?` placeholders are filled in by the
 * client (an array value becomes a list, for `IN (?)`).
 */
export interface MysqlQueryable {
  query(sql: string, values?: unknown[]): Promise<[unknown, unknown]>;
}

/** Limits for an audit's session. */
export interface MysqlSessionOptions {
  /** Longest any one catalog query may run. */
  readonly statementTimeoutMs: number;
  /** Longest to wait for a metadata lock (an ALTER TABLE holding one); MySQL counts whole seconds, at least 1. */
  readonly lockTimeoutMs: number;
}

/** A minute per query; one second (the least MySQL takes) for a metadata lock. */
export const DEFAULT_MYSQL_SESSION_OPTIONS: MysqlSessionOptions = { statementTimeoutMs: 60_000, lockTimeoutMs: 1_000 };

/** Runs a query and returns its rows as the row type the query is written for. */
export async function rowsOf<T>(db: MysqlQueryable, sql: string, values: unknown[] = []): Promise<T[]> {
  const [rows] = await db.query(sql, values);
  return rows as T[];
}

/** The session settings an audit changes, as they were, to put back afterwards. */
interface PreviousSettings {
  readonly read_only: number | string;
  readonly lock_wait_timeout: number | string;
  readonly statement_timeout: number | string;
  readonly stats_expiry?: number | string;
}

/**
 * Runs `work` with the session read-only and bounded, then puts the session back as it was (the
 * connection may be the caller's own).
 *
 * Read-only is set for the session (`transaction_read_only` / `tx_read_only`, what `SET SESSION
 * TRANSACTION READ ONLY` sets), so every statement runs as a read-only autocommit transaction: an
 * INSERT, UPDATE or DDL is refused with ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION. No explicit
 * transaction is opened on purpose: inside one, the metadata locks of every table read are held
 * until it ends, so an ALTER TABLE would queue behind the audit (and every writer behind the
 * ALTER); in autocommit each statement releases its locks when it ends. information_schema is not
 * versioned anyway, so a transaction would not give the queries one snapshot.
 *
 * `lock_wait_timeout` bounds the wait for a metadata lock held by DDL; the statement timeout
 * (`max_execution_time` in ms on MySQL, `max_statement_time` in seconds on MariaDB) bounds each
 * query. On MySQL 8, `information_schema_stats_expiry = 0` makes TABLES and STATISTICS report
 * current row counts, sizes and cardinalities instead of figures cached for up to a day.
 */
export async function withReadOnlySession<T>(
  db: MysqlQueryable,
  features: MysqlFeatures,
  work: (db: MysqlQueryable) => Promise<T>,
  options: MysqlSessionOptions = DEFAULT_MYSQL_SESSION_OPTIONS,
): Promise<T> {
  const readOnly = features.readOnlyVariable;
  const timeout = features.statementTimeout.variable;
  const [previous] = await rowsOf<PreviousSettings>(
    db,
    `SELECT @@session.${readOnly} AS read_only, @@session.lock_wait_timeout AS lock_wait_timeout,
            @@session.${timeout} AS statement_timeout${features.statsExpiryVariable ? ', @@session.information_schema_stats_expiry AS stats_expiry' : ''}`,
  );
  const statementTimeout = Math.max(0, options.statementTimeoutMs);
  await db.query(
    `SET SESSION ${readOnly} = 1, lock_wait_timeout = ?, ${timeout} = ?${features.statsExpiryVariable ? ', information_schema_stats_expiry = 0' : ''}`,
    [
      Math.max(1, Math.ceil(options.lockTimeoutMs / 1000)),
      features.statementTimeout.unit === 'ms' ? Math.floor(statementTimeout) : statementTimeout / 1000,
    ],
  );
  try {
    return await work(db);
  } finally {
    if (previous) {
      // A failed restore (a lost connection) must not hide the error of the work itself.
      await db
        .query(
          `SET SESSION ${readOnly} = ?, lock_wait_timeout = ?, ${timeout} = ?${previous.stats_expiry !== undefined ? ', information_schema_stats_expiry = ?' : ''}`,
          [
            Number(previous.read_only),
            Number(previous.lock_wait_timeout),
            Number(previous.statement_timeout),
            ...(previous.stats_expiry !== undefined ? [Number(previous.stats_expiry)] : []),
          ],
        )
        .catch(() => undefined);
    }
  }
}

/** The answer to an optional query: its rows, or why the server refused it. */
export type OptionalRows<T> = { readonly rows: T[]; readonly refused: null } | { readonly rows: null; readonly refused: string };

/**
 * Runs an optional query (one a role may lack the privilege for, or a table a server may not
 * have). A refusal is an answer, with the server's reason; a lost connection is not, and fails.
 */
export async function tryRows<T>(db: MysqlQueryable, sql: string, values: unknown[] = []): Promise<OptionalRows<T>> {
  try {
    return { rows: await rowsOf<T>(db, sql, values), refused: null };
  } catch (error) {
    const serverError = error as { fatal?: boolean; sqlMessage?: string; message?: string };
    if (serverError.fatal === true || serverError.sqlMessage === undefined) throw error;
    return { rows: null, refused: serverError.sqlMessage };
  }
}
