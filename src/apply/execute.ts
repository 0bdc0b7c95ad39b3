/**
 * Running one statement of a migration on a live database without hurting it: under a lock
 * timeout (a statement that waits for a lock gives up instead of queueing every writer behind
 * it), retried with backoff when it gave up, made safe to run twice, and cleaned up after a
 * failed concurrent index build (which leaves an INVALID index that every write still updates).
 */
import type { Queryable } from '../dialects/types.js';
import type { ApplyDialect } from '../dialects/apply-types.js';
import { quoteQualified } from '../sql/quote.js';
import type { Statement } from '../model/actions.js';

/** How statements run. */
export interface ExecutionPolicy {
  /**
   * The session's lock timeout: the longest any statement (and so any writer queued behind it) waits
   * for a lock (PostgreSQL `lock_timeout`, MySQL `lock_wait_timeout` in whole seconds, SQLite `busy_timeout`).
   */
  readonly lockTimeoutMs: number;
  /** `statement_timeout` of the session; 0 for none. */
  readonly statementTimeoutMs: number;
  /** Retries of a statement that hit the lock timeout (or a deadlock). */
  readonly retries: number;
  /** First wait before a retry; doubles each time, up to `maxRetryDelayMs`. */
  readonly retryDelayMs: number;
  readonly maxRetryDelayMs: number;
  /**
   * Lock timeout while dropping what a failed concurrent build left: DROP INDEX CONCURRENTLY
   * never blocks writers, so it may wait longer than the statements that do.
   */
  readonly cleanupLockTimeoutMs: number;
}

export const DEFAULT_EXECUTION_POLICY: ExecutionPolicy = {
  lockTimeoutMs: 5_000,
  statementTimeoutMs: 0,
  retries: 5,
  retryDelayMs: 1_000,
  maxRetryDelayMs: 30_000,
  cleanupLockTimeoutMs: 60_000,
};

export type Log = (line: string) => void;
export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A statement that failed for good. */
export class StatementError extends Error {
  override readonly name = 'StatementError';
  constructor(
    readonly sql: string,
    readonly code: string | undefined,
    message: string,
    readonly attempts: number,
  ) {
    super(message);
  }
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function errorMessage(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

export const ms = (n: number): string => (n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`);

/** Why running the statement again would be wrong because its effect is already there, or null. */
async function alreadyDone(db: Queryable, dialect: ApplyDialect, statement: Statement): Promise<string | null> {
  const effect = statement.effect;
  const liveIndex = (schema: string, name: string): ReturnType<ApplyDialect['liveIndex']> =>
    dialect.liveIndex(db, { schema, table: 'table' in effect ? effect.table : '', name });
  switch (effect.kind) {
    case 'add-constraint':
      return (await dialect.constraintExists(db, effect.schema, effect.table, effect.name))
        ? `constraint ${effect.name} is already on ${effect.table}`
        : null;
    case 'drop-constraint':
      return (await dialect.constraintExists(db, effect.schema, effect.table, effect.name))
        ? null
        : `constraint ${effect.name} is not on ${effect.table}`;
    case 'attach-index':
      return (await dialect.isAttached?.(db, effect.parent, effect.child))
        ? `${effect.child.name} is already attached to ${effect.parent.name}`
        : null;
    case 'create-index': {
      const live = await liveIndex(effect.schema, effect.name);
      return live !== null && live.valid ? `index ${effect.schema}.${effect.name} already exists` : null;
    }
    case 'drop-index':
      return (await liveIndex(effect.schema, effect.name)) === null ? `index ${effect.schema}.${effect.name} is already gone` : null;
    default:
      return null;
  }
}

/**
 * Drops the INVALID index a failed `CREATE INDEX CONCURRENTLY` left, if there is one; says what it
 * did. Only PostgreSQL leaves such an index: every other dialect's live index is always valid.
 */
async function dropInvalidIndex(
  db: Queryable,
  dialect: ApplyDialect,
  index: { readonly schema: string; readonly table: string; readonly name: string },
  policy: ExecutionPolicy,
  log: Log,
  sleep: Sleep,
  why: string,
): Promise<void> {
  const live = await dialect.liveIndex(db, index);
  if (live === null || live.valid) return;
  const drop = `DROP INDEX CONCURRENTLY IF EXISTS ${quoteQualified(index.schema, index.name)}`;
  await dialect.setTimeouts(db, { ...policy, lockTimeoutMs: policy.cleanupLockTimeoutMs });
  try {
    await runWithRetries(db, dialect, drop, { ...policy, lockTimeoutMs: policy.cleanupLockTimeoutMs }, log, sleep);
    log(`  dropped the INVALID index ${index.schema}.${index.name} ${why}`);
  } catch (error) {
    log(`  could not drop the INVALID index ${index.schema}.${index.name} ${why} (${errorMessage(error)}); drop it with: ${drop}`);
  } finally {
    await dialect.setTimeouts(db, policy);
  }
}

async function runWithRetries(
  db: Queryable,
  dialect: ApplyDialect,
  sql: string,
  policy: ExecutionPolicy,
  log: Log,
  sleep: Sleep,
  onFailedTry?: () => Promise<void>,
): Promise<number> {
  try {
    return (await retryingLocks(dialect, policy, log, sleep, () => db.query(sql), onFailedTry)).attempts;
  } catch (error) {
    if (!(error instanceof FailedTries)) throw error;
    const last = error.last as { code?: unknown; errno?: unknown } | null;
    const meaning = last !== null && typeof last === 'object' ? (dialect.explainFailure?.(last) ?? null) : null;
    throw new StatementError(sql, errorCode(error.last), meaning ? `${error.message} (${meaning})` : error.message, error.attempts);
  }
}

/** What a {@link retryingLocks} call that failed for good throws: the last error and the tries made. */
export class FailedTries extends Error {
  override readonly name = 'FailedTries';
  constructor(
    readonly last: unknown,
    readonly attempts: number,
    /** Why the tries before the last were retried; null when the first try failed for another reason. */
    readonly reason: 'lock-timeout' | 'deadlock' | null,
  ) {
    super(errorMessage(last));
  }
}

/**
 * Runs `work`, trying it again with backoff while it fails waiting for a lock or in a deadlock,
 * up to the policy's retries; returns its value and the tries it took, or throws {@link FailedTries}.
 * `work` must be safe to run again after such a failure (one statement, or a transaction).
 */
export async function retryingLocks<T>(
  dialect: ApplyDialect,
  policy: ExecutionPolicy,
  log: Log,
  sleep: Sleep,
  work: () => Promise<T>,
  onFailedTry?: () => Promise<void>,
): Promise<{ value: T; attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: await work(), attempts: attempt };
    } catch (error) {
      const reason = dialect.retryReason(errorCode(error));
      const retry = reason !== null && attempt <= policy.retries;
      if (retry) {
        const what = reason === 'lock-timeout' ? `gave up waiting for a lock after ${ms(policy.lockTimeoutMs)}` : 'deadlock';
        log(`  ${what} (attempt ${attempt} of ${policy.retries + 1})`);
      }
      if (onFailedTry) await onFailedTry();
      if (!retry) throw new FailedTries(error, attempt, reason);
      const delay = Math.min(policy.maxRetryDelayMs, policy.retryDelayMs * 2 ** (attempt - 1));
      log(`  retrying in ${ms(delay)}`);
      await sleep(delay);
    }
  }
}

/** What became of a statement. */
export interface StatementOutcome {
  readonly result: 'done' | 'already-done';
  readonly attempts: number;
  readonly ms: number;
}

/**
 * Runs one statement: skips it when its effect is already there, drops an INVALID leftover
 * of the same name before a concurrent build (IF NOT EXISTS would keep the useless index),
 * retries lock timeouts and deadlocks with backoff, and after a failed concurrent build drops
 * the INVALID index it left. What the statement does comes with it (its effect): its SQL is
 * never read back. Throws {@link StatementError} when it fails for good.
 */
export async function runStatement(
  db: Queryable,
  dialect: ApplyDialect,
  statement: Statement,
  policy: ExecutionPolicy,
  log: Log,
  sleep: Sleep = realSleep,
): Promise<StatementOutcome> {
  const started = performance.now();
  const done = await alreadyDone(db, dialect, statement);
  if (done !== null) {
    log(`  skipped, ${done}`);
    return { result: 'already-done', attempts: 0, ms: performance.now() - started };
  }
  const effect = statement.effect;
  const concurrentBuild = effect.kind === 'create-index' && effect.concurrently ? effect : null;
  if (concurrentBuild)
    await dropInvalidIndex(db, dialect, concurrentBuild, policy, log, sleep, 'that an earlier failed build left, before building it again');
  const attempts = await runWithRetries(
    db,
    dialect,
    statement.sql,
    policy,
    log,
    sleep,
    concurrentBuild ? () => dropInvalidIndex(db, dialect, concurrentBuild, policy, log, sleep, 'that the failed build left') : undefined,
  );
  return { result: 'done', attempts, ms: performance.now() - started };
}
