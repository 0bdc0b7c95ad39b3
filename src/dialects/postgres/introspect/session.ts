import pg from 'pg';
import { runsMultipleStatements, type MultiStatementQueryable, type Queryable } from '../../types.js';

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
    // set_config(…, true) is SET LOCAL: it ends with the transaction. One round trip for all four.
    await db.query(
      `SELECT pg_catalog.set_config('statement_timeout', $1, true), pg_catalog.set_config('lock_timeout', $2, true),
              -- The catalog queries are short joins over many rows; JIT compiling them costs more than it saves.
              pg_catalog.set_config('jit', 'off', true),
              -- Sorting the index rows of a large schema spilled to disk at the default 4MB.
              pg_catalog.set_config('work_mem', '32MB', true)`,
      [String(Math.max(0, Math.floor(options.statementTimeoutMs))), String(Math.max(0, Math.floor(options.lockTimeoutMs)))],
    );
    const result = await work(db);
    await db.query('ROLLBACK');
    return result;
  } catch (error) {
    // The first error is the one worth reporting; a failed ROLLBACK (lost connection) is not.
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Runs a catalog query and returns its rows as the row type the query is written for. */
export async function rowsOf<T>(db: Queryable, text: string, params: unknown[]): Promise<T[]> {
  const { rows } = await db.query(text, params);
  return rows as T[];
}

/**
 * Runs an optional query inside a savepoint, so that a refusal (a role without the privilege)
 * leaves the transaction usable. Returns null when the query failed.
 */
async function tryQuery(db: Queryable, text: string, params: unknown[]): Promise<unknown[] | null> {
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

/**
 * Queries sent ahead on one connection, run one after another: each is sent the moment the one
 * before it ends (not when the caller gets around to awaiting it), so the server works on the
 * next query while this process maps the rows of the last. Not a protocol pipeline — node-postgres
 * sends one query at a time, and queueing a second on a busy client is deprecated — just no idle
 * gap between queries.
 *
 * A failed query fails every query sent after it, with the same error and without sending them:
 * they would only fail on the aborted transaction, and the first error is the one to report.
 */
export class QueryPipeline {
  #tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly db: Queryable) {}

  /**
   * Sends a query after those sent before. The promise may be awaited later: its failure is
   * marked handled now, so that it is not reported as unhandled while an earlier one is awaited.
   */
  send<T>(text: string, params: unknown[]): Promise<T[]> {
    const pending = this.#tail.then(() => rowsOf<T>(this.db, text, params));
    this.#tail = pending;
    pending.catch(() => undefined);
    return pending;
  }

  /**
   * Sends several queries at once. On a connection that runs several statements in one message
   * ({@link statementsRunner}) they go as one, with their parameters written in as literals, so
   * the server runs them back to back while this process parses the rows already sent; else one
   * after another like {@link send}. One list of rows per query, in order.
   */
  sendAll(queries: readonly (readonly [string, unknown[]])[]): Promise<unknown[][]> {
    const runner = statementsRunner(this.db);
    if (runner === null) return Promise.all(queries.map(([text, params]) => this.send<unknown>(text, params)));
    const sql = queries.map(([text, params]) => inlineParameters(text, params)).join(';\n');
    const pending = this.#tail.then(async () => (await runner.queryStatements(sql)).map((result) => result.rows));
    this.#tail = pending;
    pending.catch(() => undefined);
    return pending;
  }

  /** Resolves once every query sent so far has ended, however it ended. */
  settled(): Promise<void> {
    return this.#tail.then(
      () => undefined,
      () => undefined,
    );
  }
}

/**
 * Runs optional queries (each may be refused, e.g. for lack of a privilege) through the pipeline
 * behind a savepoint; the answer for a refused one is null. A refusal aborts the transaction,
 * so the transaction goes back to the savepoint and the queries from the refused one on are run
 * again one at a time, each in a savepoint of its own. Rejects only when a query sent before
 * these failed; afterwards the pipeline is not used again.
 */
export async function tryQueries(
  pipeline: QueryPipeline,
  db: Queryable,
  queries: readonly (readonly [string, unknown[]])[],
): Promise<(unknown[] | null)[]> {
  const savepoint = pipeline.send('SAVEPOINT dbdoctor_optional_batch', []);
  const sent = queries.map(([text, params]) => pipeline.send<unknown>(text, params));
  await savepoint;
  const results: (unknown[] | null)[] = [];
  for (let i = 0; i < sent.length; i++) {
    try {
      results.push(await sent[i]!);
    } catch {
      await pipeline.settled();
      await db.query('ROLLBACK TO SAVEPOINT dbdoctor_optional_batch');
      for (const [text, params] of queries.slice(i)) results.push(await tryQuery(db, text, params));
      break;
    }
  }
  return results;
}

/**
 * The connection as one that runs several statements per message: itself if it says it can, an
 * adapter for a node-postgres client (whose query() does it when given no parameters), else null.
 */
export function statementsRunner(db: Queryable): MultiStatementQueryable | null {
  if (runsMultipleStatements(db)) return db;
  if (!isNodePostgresClient(db)) return null;
  const client = db;
  return {
    query: (text, params) => client.query(text, params),
    queryStatements: async (sql) => {
      const result = (await client.query(sql)) as unknown as pg.QueryResult | pg.QueryResult[];
      return Array.isArray(result) ? result : [result];
    },
  };
}

/**
 * A node-postgres client (or pool client): this package's `pg`, or the caller's own copy of it,
 * recognised by what node-postgres clients carry.
 */
function isNodePostgresClient(db: Queryable): db is pg.Client {
  if (db instanceof pg.Client) return true;
  const candidate = db as Partial<Record<'connectionParameters' | 'processID', unknown>>;
  return db.constructor?.name === 'Client' && typeof candidate.connectionParameters === 'object' && 'processID' in candidate;
}

/**
 * Writes bind parameters ($1…$9) into a query as literals, for a message that cannot carry
 * parameters. Only what the catalog queries pass: NULL, numbers, strings and arrays of those.
 */
export function inlineParameters(text: string, params: readonly unknown[]): string {
  return text.replace(/\$([1-9])(?![0-9])/g, (_match, n: string) => {
    const index = Number(n) - 1;
    if (index >= params.length) throw new Error(`query uses $${n} but has ${params.length} parameters`);
    return literal(params[index]);
  });
}

function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  // escapeLiteral writes ` E'…'` (with a leading blank) for a string that holds a backslash.
  if (typeof value === 'string') return pg.escapeLiteral(value).trimStart();
  if (Array.isArray(value)) return `ARRAY[${value.map(literal).join(', ')}]`;
  throw new Error(`cannot write ${typeof value} as an SQL literal`);
}
