import type { TargetInfo } from '../model/target.js';

/**
 * The one thing an introspector needs from a connection: run a query with parameters and get
 * rows back. `pg.Client`, `pg.PoolClient` and PGlite all satisfy it as they are.
 */
export interface Queryable {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * A connection that can also run several statements sent as one message (PostgreSQL's simple
 * query protocol): the server goes from one statement to the next without waiting for this
 * process, which reads the rows of one while the server works on the next.
 */
export interface MultiStatementQueryable extends Queryable {
  /** Runs `sql` (statements separated by semicolons, no bind parameters); one result per statement. */
  queryStatements(sql: string): Promise<readonly { rows: unknown[] }[]>;
}

/** Whether a connection offers {@link MultiStatementQueryable.queryStatements}. */
export function runsMultipleStatements(db: Queryable): db is MultiStatementQueryable {
  return typeof (db as Partial<MultiStatementQueryable>).queryStatements === 'function';
}

/** An open database to audit, whatever it came from. */
export interface OpenTarget {
  readonly db: Queryable;
  /** Describes the target for reports; never contains credentials. */
  readonly info: Pick<TargetInfo, 'kind' | 'name'>;
  close(): Promise<void>;
}
