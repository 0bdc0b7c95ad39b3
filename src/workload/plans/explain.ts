/**
 * Gets the generic plan of a normalized statement (`$1`, `$2` for its constants) without
 * executing it: `EXPLAIN (GENERIC_PLAN)` on PostgreSQL 16+, and before 16 a `PREPARE` whose
 * plan is forced generic, explained with NULL for every parameter (a generic plan does not look
 * at the values). Runs inside the caller's read-only transaction; every attempt sits in a
 * savepoint so that a statement the planner rejects (an unknown table, an untyped parameter)
 * leaves the transaction usable.
 */
import type { Queryable } from '../../dialects/types.js';
import { rootPlanNode, summarizePlan } from './plan-summary.js';
import type { PlanMethod, PlanSummary } from './types.js';

/**
 * A connection that may also run a script over the simple query protocol (PGlite's `exec`).
 * PGlite's `query` always uses the extended protocol, whose Bind step would demand values for
 * `$n`; `EXPLAIN (GENERIC_PLAN)` needs the placeholders left unbound.
 */
export interface PlanningConnection extends Queryable {
  exec?: (sql: string) => Promise<readonly { rows: unknown[] }[]>;
}

/** The first PostgreSQL version with EXPLAIN (GENERIC_PLAN). */
const GENERIC_PLAN_VERSION = 160000;

let statementCounter = 0;

/** A plan, or why there is none. */
export type ExplainOutcome =
  { readonly ok: true; readonly method: PlanMethod; readonly summary: PlanSummary } | { readonly ok: false; readonly error: string };

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function inSavepoint<T>(db: Queryable, work: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
  await db.query('SAVEPOINT dbdoctor_plan');
  try {
    const value = await work();
    await db.query('RELEASE SAVEPOINT dbdoctor_plan');
    return { ok: true, value };
  } catch (error) {
    await db.query('ROLLBACK TO SAVEPOINT dbdoctor_plan');
    return { ok: false, error: messageOf(error) };
  }
}

function explainValue(rows: readonly unknown[]): unknown {
  const row = rows[0] as Record<string, unknown> | undefined;
  if (!row) throw new Error('EXPLAIN returned no rows');
  return row['QUERY PLAN'] ?? Object.values(row)[0];
}

async function genericPlan(db: PlanningConnection, text: string): Promise<unknown> {
  const sql = `EXPLAIN (GENERIC_PLAN, VERBOSE, FORMAT JSON) ${text}`;
  if (typeof db.exec === 'function') {
    const results = await db.exec(sql);
    return explainValue(results[results.length - 1]?.rows ?? []);
  }
  // node-postgres sends a query without values over the simple protocol.
  return explainValue((await db.query(sql)).rows);
}

/**
 * Before 16: PREPARE, then EXPLAIN EXECUTE with as many NULLs as the server inferred parameters
 * (pg_prepared_statements.parameter_types). The caller has set plan_cache_mode to
 * force_generic_plan for the transaction. PREPARE is not transactional, so the statement is
 * deallocated here whatever happens.
 */
async function preparedGenericPlan(db: Queryable, text: string): Promise<unknown> {
  const name = `dbdoctor_plan_${process.pid}_${statementCounter++}`;
  const prepared = await inSavepoint(db, () => db.query(`PREPARE ${name} AS ${text}`));
  if (!prepared.ok) throw new Error(prepared.error);
  try {
    const explained = await inSavepoint(db, async () => {
      const { rows } = await db.query('SELECT cardinality(parameter_types) AS n FROM pg_prepared_statements WHERE name = $1', [name]);
      const count = Number((rows[0] as { n?: unknown } | undefined)?.n ?? 0);
      const args = count > 0 ? `(${Array.from({ length: count }, () => 'NULL').join(', ')})` : '';
      return explainValue((await db.query(`EXPLAIN (VERBOSE, FORMAT JSON) EXECUTE ${name}${args}`)).rows);
    });
    if (!explained.ok) throw new Error(explained.error);
    return explained.value;
  } finally {
    await db.query(`DEALLOCATE ${name}`);
  }
}

/** The method used for a server version. */
function planMethodFor(serverVersionNum: number): PlanMethod {
  return serverVersionNum >= GENERIC_PLAN_VERSION ? 'generic-plan' : 'prepared-generic';
}

/** Explains one normalized statement; never throws for a statement the server rejects. */
export async function explainStatement(db: PlanningConnection, text: string, serverVersionNum: number): Promise<ExplainOutcome> {
  const method = planMethodFor(serverVersionNum);
  const attempt = await inSavepoint(db, async () => {
    const value = method === 'generic-plan' ? await genericPlan(db, text) : await preparedGenericPlan(db, text);
    return summarizePlan(rootPlanNode(value));
  });
  return attempt.ok ? { ok: true, method, summary: attempt.value } : { ok: false, error: attempt.error };
}
