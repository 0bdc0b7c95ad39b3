/**
 * The planner step of an audit: runs before the rules (which are synchronous), in its own
 * READ ONLY transaction with the audit's timeouts. For each SELECT of the workload it gets the
 * generic plan, looks for a large table read in full (or through an index whose filter discards
 * most rows) for a selective predicate, a join or a sort, proposes the index the query needs and,
 * where hypopg is installed, tries it as a hypothetical index: the plan cost before and after.
 * Nothing is executed, locked beyond ACCESS SHARE, or written.
 */
import { loadModule, parseSync } from 'libpg-query';
import type { Queryable } from '../../dialects/types.js';
import {
  DEFAULT_SESSION_OPTIONS,
  withReadOnlyTransaction,
  type ReadOnlySessionOptions,
} from '../../dialects/postgres/introspect/session.js';
import type { SchemaModel, Table } from '../../model/types.js';
import type { ColumnUseGroup, QueryPattern, Workload } from '../../model/workload.js';
import { explainStatement, type PlanningConnection } from './explain.js';
import { hypopgSupport, resetHypothetical, usesHypothetical, withHypotheticalIndex, type Hypopg } from './hypopg.js';
import { existingIndexFor, proposeIndex } from './propose.js';
import { takenRelationNames } from '../../semantics/names.js';
import {
  DEFAULT_PLANNER_SETTINGS,
  type IndexProposal,
  type MissingIndexCandidate,
  type PlanEvidence,
  type PlannerSettings,
  type PlanSummary,
  type QueryPlan,
  type Verification,
} from './types.js';

/** How to run the planner step. */
export interface CollectOptions {
  readonly settings?: Partial<PlannerSettings>;
  readonly session?: ReadOnlySessionOptions;
}

/**
 * Why a statement is not planned, or null when it may be: only a single plain SELECT is. EXPLAIN
 * of INSERT, UPDATE or DELETE takes a ROW EXCLUSIVE lock on its table until the audit's
 * transaction ends (it blocks CREATE INDEX and VACUUM FULL there), FOR UPDATE/SHARE takes ROW
 * SHARE; an audit takes nothing stronger than ACCESS SHARE. One statement only: the text is
 * sent as written, and a second statement (`…; COMMIT; …`) must never reach the server.
 */
export function whyNotPlanned(query: QueryPattern): string | null {
  if (query.command !== 'select')
    return `only SELECT statements are planned (this is ${query.command.toUpperCase()}: EXPLAIN would lock its table in ROW EXCLUSIVE mode)`;
  if (query.tablesWritten.length > 0) return 'a SELECT that writes (data-modifying WITH) is not planned';
  let statements: { stmt?: unknown }[];
  try {
    statements = (parseSync(query.text) as { stmts?: { stmt?: unknown }[] }).stmts ?? [];
  } catch (error) {
    return `the parser rejects the statement: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (statements.length !== 1) return 'not exactly one statement';
  const select = (statements[0]?.stmt as { SelectStmt?: { lockingClause?: unknown[] } } | undefined)?.SelectStmt;
  if (!select) return 'not a SELECT statement';
  if ((select.lockingClause ?? []).length > 0) return 'SELECT … FOR UPDATE/SHARE is not planned (EXPLAIN would take a ROW SHARE lock)';
  return null;
}

/** The model table a workload reference means: qualified, or the first schema (public first) that has it. */
function resolveTable(model: SchemaModel, ref: { readonly schema: string | null; readonly table: string }): Table | undefined {
  if (ref.schema !== null) return model.tables.find((t) => t.schema === ref.schema && t.name === ref.table);
  const matches = model.tables.filter((t) => t.name === ref.table);
  return matches.find((t) => t.schema === 'public') ?? matches[0];
}

function groupsOn(model: SchemaModel, query: QueryPattern, table: Table): ColumnUseGroup[] {
  return query.groups.filter((g) => resolveTable(model, g.table) === table);
}

/** The group that says the most about the table: most non-join conditions, then most uses. */
function bestGroup(groups: readonly ColumnUseGroup[], wantJoin: boolean): ColumnUseGroup | undefined {
  const score = (g: ColumnUseGroup): number =>
    g.conditions.filter((c) => (wantJoin ? true : c.kind !== 'join')).length * 10 + g.orderBy.length;
  return [...groups].sort((a, b) => score(b) - score(a))[0];
}

interface RawCandidate {
  readonly table: Table;
  readonly reason: MissingIndexCandidate['reason'];
  readonly planDetail: string;
  readonly group: ColumnUseGroup;
  readonly useJoins: boolean;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Where the plan reads a large table in a way an index would avoid. */
function findCandidates(model: SchemaModel, query: QueryPattern, summary: PlanSummary, settings: PlannerSettings): RawCandidate[] {
  const out: RawCandidate[] = [];
  const large = (schema: string | null, name: string): Table | undefined => {
    const table = resolveTable(model, { schema, table: name });
    return table && (table.rowEstimate ?? 0) >= settings.largeTableRows ? table : undefined;
  };
  for (const scan of summary.seqScans) {
    const table = large(scan.schema, scan.table);
    if (!table) continue;
    const rows = table.rowEstimate ?? 0;
    const groups = groupsOn(model, query, table);
    if (scan.filter !== null && scan.rows <= settings.selectiveFraction * rows) {
      const group = bestGroup(groups, false);
      if (group)
        out.push({
          table,
          reason: 'seq-scan',
          group,
          useJoins: false,
          planDetail: `Seq Scan on ${table.name} reads all ${fmt(rows)} rows to keep about ${fmt(scan.rows)} (filter ${scan.filter}).`,
        });
    } else if (summary.rows <= settings.selectiveFraction * rows && groups.some((g) => g.conditions.some((c) => c.kind === 'join'))) {
      const group = bestGroup(
        groups.filter((g) => g.conditions.some((c) => c.kind === 'join')),
        true,
      );
      if (group)
        out.push({
          table,
          reason: 'join',
          group,
          useJoins: true,
          planDetail: `Seq Scan on ${table.name} reads all ${fmt(rows)} rows for a join that returns about ${fmt(summary.rows)}.`,
        });
    }
  }
  for (const scan of summary.indexScans) {
    const table = large(scan.schema, scan.table);
    if (!table || scan.indexCondition !== null || scan.filter === null) continue;
    const rows = table.rowEstimate ?? 0;
    if (scan.rows > settings.selectiveFraction * rows) continue;
    const group = bestGroup(groupsOn(model, query, table), false);
    if (group) {
      out.push({
        table,
        reason: 'filtered-index-scan',
        group,
        useJoins: false,
        planDetail: `Index Scan using ${scan.index} walks ${table.name} in index order without an index condition and filters (${scan.filter}) for about ${fmt(scan.rows)} of ${fmt(rows)} rows.`,
      });
    }
  }
  for (const sort of summary.sorts) {
    if (sort.rows < settings.largeTableRows) continue;
    for (const ref of query.tables) {
      const table = large(ref.schema, ref.table);
      if (!table) continue;
      const group = groupsOn(model, query, table).find((g) => g.orderBy.length > 0);
      if (group)
        out.push({
          table,
          reason: 'sort',
          group,
          useJoins: false,
          planDetail: `Sort of about ${fmt(sort.rows)} rows by ${sort.keys.join(', ')}.`,
        });
    }
  }
  return out;
}

/** Everything the step needs while it runs. */
interface StepState {
  readonly db: PlanningConnection;
  readonly model: SchemaModel;
  readonly settings: PlannerSettings;
  readonly hypopg: Hypopg | null;
  readonly hypotheticalReason: string | null;
  /** Relation names per schema, with the names already proposed. */
  readonly taken: Map<string, Set<string>>;
  /** One proposal per shape (keys and predicate), so queries that need the same index share it. */
  readonly proposals: Map<string, IndexProposal>;
}

function proposalFor(state: StepState, candidate: RawCandidate): IndexProposal | null {
  const taken = state.taken.get(candidate.table.schema) ?? new Set<string>();
  const draft = proposeIndex(candidate.table, candidate.group, taken, { useJoins: candidate.useJoins });
  if (!draft) return null;
  const shape = `${draft.schema}\u0000${draft.table}\u0000${draft.keys.map((k) => `${k.sql}${k.descending ? ' DESC' : ''}`).join(',')}\u0000${draft.predicate ?? ''}`;
  const known = state.proposals.get(shape);
  if (known) return known;
  taken.add(draft.name);
  state.taken.set(candidate.table.schema, taken);
  state.proposals.set(shape, draft);
  return draft;
}

async function verify(state: StepState, query: QueryPattern, before: PlanSummary, proposal: IndexProposal): Promise<Verification> {
  if (!state.hypopg) return { status: 'not-verified', reason: state.hypotheticalReason ?? 'hypopg is not available' };
  const hypopg = state.hypopg;
  const db = state.db;
  await db.query('SAVEPOINT dbdoctor_hypothetical');
  try {
    const outcome = await withHypotheticalIndex(db, hypopg, proposal.definition, async (oid) => {
      const after = await explainStatement(db, query.text, state.model.database.serverVersionNum);
      return after.ok
        ? { ok: true as const, summary: after.summary, uses: usesHypothetical(after.summary.indexesUsed, oid) }
        : { ok: false as const, error: after.error };
    });
    await db.query('RELEASE SAVEPOINT dbdoctor_hypothetical');
    if (!outcome.ok) return { status: 'not-verified', reason: `the plan with the hypothetical index failed: ${outcome.error}` };
    const costBefore = before.totalCost;
    const costAfter = outcome.summary.totalCost;
    const saving = costBefore > 0 ? Math.max(0, (costBefore - costAfter) / costBefore) : 0;
    const facts = { costBefore, costAfter, saving, usesIndex: outcome.uses };
    if (!outcome.uses) return { status: 'rejected', ...facts, reason: 'the planner does not use the hypothetical index' };
    if (saving < state.settings.minSaving) {
      return {
        status: 'rejected',
        ...facts,
        reason: `the plan cost falls by ${(saving * 100).toFixed(0)}%, less than the ${(state.settings.minSaving * 100).toFixed(0)}% required`,
      };
    }
    return { status: 'verified', ...facts };
  } catch (error) {
    await db.query('ROLLBACK TO SAVEPOINT dbdoctor_hypothetical');
    return {
      status: 'not-verified',
      reason: `hypopg could not create the index: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/** Most expensive first: total time, then calls; queries without either keep their order. */
function byCost(queries: readonly QueryPattern[]): QueryPattern[] {
  return [...queries].sort((a, b) => (b.totalMs ?? 0) - (a.totalMs ?? 0) || (b.calls ?? 0) - (a.calls ?? 0));
}

async function isPglite(db: Queryable): Promise<boolean> {
  const { rows } = await db.query('SELECT version() AS v');
  const version = (rows[0] as { v?: unknown } | undefined)?.v;
  return typeof version === 'string' && version.includes('PGlite');
}

/**
 * Plans the workload's queries on the target and proposes (and, with hypopg, verifies) the
 * indexes they miss. `db` must be the connection the model was read from.
 */
export async function collectPlanEvidence(
  db: PlanningConnection,
  model: SchemaModel,
  workload: Workload,
  options: CollectOptions = {},
): Promise<PlanEvidence> {
  const settings: PlannerSettings = { ...DEFAULT_PLANNER_SETTINGS, ...options.settings };
  await loadModule();
  return withReadOnlyTransaction(
    db,
    // withReadOnlyTransaction runs on `db` itself; `db` is used directly to keep PGlite's `exec`.
    async () => {
      const conn: PlanningConnection = db;
      // Only the PREPARE path (before 16) needs it; scoped to this transaction.
      await conn.query('SET LOCAL plan_cache_mode = force_generic_plan');
      const lite = await isPglite(conn);
      const { support, hypopg } = await hypopgSupport(conn, model, lite);
      const state: StepState = {
        db: conn,
        model,
        settings,
        hypopg,
        hypotheticalReason: support.reason,
        taken: takenRelationNames(model),
        proposals: new Map(),
      };
      const notes: string[] = [];
      if (!support.available && support.reason) notes.push(`Proposed indexes not verified: ${support.reason}.`);
      const plans: QueryPlan[] = [];
      const candidates: MissingIndexCandidate[] = [];
      const queries = byCost(workload.queries);
      if (queries.length > settings.maxQueries)
        notes.push(`Planned the ${settings.maxQueries} most expensive of ${queries.length} query patterns.`);
      try {
        for (const query of queries.slice(0, settings.maxQueries)) {
          const skip = whyNotPlanned(query);
          if (skip !== null) {
            plans.push({ fingerprint: query.fingerprint, status: 'skipped', reason: skip });
            continue;
          }
          const outcome = await explainStatement(conn, query.text, model.database.serverVersionNum);
          if (!outcome.ok) {
            plans.push({ fingerprint: query.fingerprint, status: 'failed', reason: outcome.error });
            continue;
          }
          plans.push({ fingerprint: query.fingerprint, status: 'planned', method: outcome.method, summary: outcome.summary });
          const seen = new Set<string>();
          for (const raw of findCandidates(model, query, outcome.summary, settings)) {
            const proposal = proposalFor(state, raw);
            if (!proposal || seen.has(proposal.definition)) continue;
            seen.add(proposal.definition);
            const existing = existingIndexFor(proposal, model.indexes);
            const verification: Verification = existing
              ? { status: 'not-verified', reason: `${existing.name} already has these leading keys; the planner did not choose it` }
              : await verify(state, query, outcome.summary, proposal);
            candidates.push({
              fingerprint: query.fingerprint,
              schema: raw.table.schema,
              table: raw.table.name,
              reason: raw.reason,
              planDetail: raw.planDetail,
              tableRows: raw.table.rowEstimate ?? 0,
              proposal,
              verification,
              existingIndex: existing?.name ?? null,
            });
          }
        }
      } finally {
        if (hypopg) await resetHypothetical(conn, hypopg).catch(() => undefined);
      }
      const failed = plans.filter((p) => p.status === 'failed').length;
      if (failed > 0)
        notes.push(`${failed} of ${plans.length} query patterns could not be planned on this database (see each query's reason).`);
      return { plans, candidates, hypothetical: support, notes, settings };
    },
    options.session ?? DEFAULT_SESSION_OPTIONS,
  );
}

/** The evidence of a planner step that failed as a whole (a lost connection): the audit goes on without plans. */
export function failedPlanEvidence(error: unknown): PlanEvidence {
  const message = error instanceof Error ? error.message : String(error);
  return {
    plans: [],
    candidates: [],
    hypothetical: { available: false, reason: 'the planner step failed' },
    notes: [`The workload's queries could not be planned: ${message.split('\n')[0] ?? message}.`],
    settings: DEFAULT_PLANNER_SETTINGS,
  };
}
