import type { Queryable } from '../types.js';

/** Limits for an audit's session. */
export interface ReadOnlySessionOptions {
  /** Longest any one catalog query may run. */
  readonly statementTimeoutMs: number;
  /** Longest to wait for any lock (pg_relation_size's brief ACCESS SHARE lock behind DDL). */
  readonly lockTimeoutMs: number;
}

export const DEFAULT_SESSION_OPTIONS: ReadOnlySessionOptions = { statementTimeoutMs: 60_000, lockTimeoutMs: 1_000 };

/**
 * Runs `work` in a READ ONLY, REPEATABLE READ transaction so every catalog query sees the
 * same snapshot and nothing can be written, with timeouts scoped to this transaction only
 * (SET LOCAL), then ends it with ROLLBACK: there is nothing to commit.
 */
export async function withReadOnlyTransaction<T>(
  db: Queryable,
  work: (db: Queryable) => Promise<T>,
  options: ReadOnlySessionOptions = DEFAULT_SESSION_OPTIONS,
): Promise<T> {
  await db.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    // SET cannot take bind parameters; the values are integers we produced.
    await db.query(`SET LOCAL statement_timeout = ${Math.max(0, Math.floor(options.statementTimeoutMs))}`);
    await db.query(`SET LOCAL lock_timeout = ${Math.max(0, Math.floor(options.lockTimeoutMs))}`);
    // The catalog queries are short joins over many rows; JIT compiling them costs more than it saves.
    await db.query('SET LOCAL jit = off');
    const result = await work(db);
    await db.query('ROLLBACK');
    return result;
  } catch (error) {
    // The first error is the one worth reporting; a failed ROLLBACK (lost connection) is not.
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * Runs an optional query inside a savepoint, so that a refusal (a role without the privilege)
 * leaves the transaction usable. Returns null when the query failed.
 */
export async function tryQuery(db: Queryable, text: string, params: unknown[]): Promise<unknown[] | null> {
  await db.query('SAVEPOINT dbdoctor_optional');
  try {
    const { rows } = await db.query(text, params);
    await db.query('RELEASE SAVEPOINT dbdoctor_optional');
    return rows;
  } catch {
    await db.query('ROLLBACK TO SAVEPOINT dbdoctor_optional');
    return null;
  }
}
