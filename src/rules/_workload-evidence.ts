/**
 * Ties indexes to the workload's queries: which queries an index serves and how many of its
 * keys each one uses (the left-prefix rule of a btree, asked of the shared matcher), and whether
 * the planner picked it. Used by unjustified-composite-index, and by any rule that wants to say
 * "a query needs this index" or "no query uses that one's later keys" in its evidence.
 */
import type { Index, QualifiedName, SchemaModel } from '../model/types.js';
import type { ColumnUseGroup, QueryPattern, Workload } from '../model/workload.js';
import type { PlanEvidence } from '../workload/plans/types.js';
import { isUsable, usableIndexesByTable, tableKey, whyNotDroppable } from '../semantics/coverage.js';
import { keysArePrefix } from '../semantics/keys.js';
import { samePredicate } from '../semantics/predicate.js';
import { matchIndex, type MatchOptions } from '../semantics/query-match.js';
import { sameTable } from '../sql/resolve.js';
import type { EvidenceValue, RuleContext } from './types.js';

/** The AND-groups of a query on one table. */
function groupsOnTable(query: QueryPattern, table: QualifiedName): ColumnUseGroup[] {
  return query.groups.filter((g) => sameTable(g.table, table));
}

/** Queries of the workload that read or write the table (for callers without an audit's facts: reports). */
export function queriesOnTable(workload: Workload, table: QualifiedName): QueryPattern[] {
  return workload.queries.filter((q) => q.tables.some((t) => sameTable(t, table)) || q.groups.some((g) => sameTable(g.table, table)));
}

/** How a query uses an index: the most leading keys any of its AND-groups on the table uses (0: none). */
export function queryPrefixUse(index: Index, query: QueryPattern, options: MatchOptions = {}): number {
  const table = { schema: index.schema, name: index.table };
  let best = 0;
  for (const group of groupsOnTable(query, table)) {
    const match = matchIndex(group, index, options);
    if (match.predicateImplied) best = Math.max(best, match.keysUsed);
  }
  return best;
}

/** A query as evidence: its text, calls and time. */
export function queryEvidence(query: QueryPattern): { [key: string]: EvidenceValue } {
  return { query: query.text, calls: query.calls, totalMs: query.totalMs, meanMs: query.meanMs };
}

/** Plans that read the index, by query fingerprint. */
export function plansUsing(plans: PlanEvidence | null | undefined, indexName: string): string[] {
  if (!plans) return [];
  return plans.plans.flatMap((p) => (p.status === 'planned' && p.summary.indexesUsed.includes(indexName) ? [p.fingerprint] : []));
}

/**
 * What the workload says about one index, for any finding's evidence: the queries that use its
 * leading keys (with how many keys), and the planned queries that read it. Null without a workload.
 */
export function workloadEvidenceFor(
  context: Pick<RuleContext, 'workload' | 'plans' | 'facts'>,
  index: Index,
): { [key: string]: EvidenceValue } | null {
  if (!context.workload) return null;
  const served = context.facts
    .queriesOn({ schema: index.schema, name: index.table })
    .map((q) => ({ q, keys: queryPrefixUse(index, q, context.facts.matchOptions) }))
    .filter((x) => x.keys > 0)
    .sort((a, b) => (b.q.calls ?? 0) - (a.q.calls ?? 0));
  const planned = new Set(plansUsing(context.plans, index.name));
  return {
    queriesUsingIt: served.map((x) => ({
      ...queryEvidence(x.q),
      keysUsed: x.keys,
      plannerPicksIt: context.plans ? planned.has(x.q.fingerprint) : null,
    })),
    plannedQueriesReadingIt: planned.size,
  };
}

/** A composite index the workload uses only through a prefix of its keys. */
export interface UnjustifiedComposite {
  readonly index: Index;
  /** The most leading keys any query uses (≥ 1, < the index's key count). */
  readonly usedKeys: number;
  /** Queries that use the prefix, most calls first. */
  readonly prefixQueries: readonly QueryPattern[];
  /** An index that already serves the used prefix (then the composite can just go), or null. */
  readonly prefixServedBy: Index | null;
}

/**
 * An existing usable btree whose leading keys are exactly the first `n` keys of `index` (same
 * columns or expressions, operator classes, collations, prefix lengths and sort order, or all
 * reversed), with no predicate or the same one: the index that serves what `index` is used for.
 */
function prefixIndexOf(index: Index, n: number, indexes: readonly Index[]): Index | null {
  const prefix = index.keys.slice(0, n);
  const candidates = indexes.filter(
    (o) =>
      o !== index &&
      o.schema === index.schema &&
      o.table === index.table &&
      o.method === 'btree' &&
      isUsable(o) &&
      o.keys.length >= n &&
      o.keys.length < index.keys.length &&
      (o.predicate === null || samePredicate(o.predicate, index.predicate)) &&
      keysArePrefix(prefix, o.keys),
  );
  return candidates.sort((a, b) => a.keys.length - b.keys.length || (a.sizeBytes ?? 0) - (b.sizeBytes ?? 0))[0] ?? null;
}

/**
 * Composite btree indexes whose later keys no query of the workload uses together with the
 * leading ones (the seed's Rule 2). Only indexes that enforce nothing (not unique, no
 * constraint) and can be dropped by themselves; only tables the workload touches; only when
 * some query uses the index at all (an index no query uses is another rule's business).
 */
export function computeUnjustifiedComposites(
  model: SchemaModel,
  workload: Workload | null,
  queriesOn: (table: QualifiedName) => readonly QueryPattern[],
  options: MatchOptions,
): UnjustifiedComposite[] {
  if (!workload || workload.queries.length === 0) return [];
  const out: UnjustifiedComposite[] = [];
  const byTable = usableIndexesByTable(model.indexes);
  for (const index of model.indexes) {
    if (index.method !== 'btree' || index.keys.length < 2 || index.unique || index.constraint !== null) continue;
    if (!isUsable(index) || whyNotDroppable(index, model.capabilities) !== null) continue;
    const queries = queriesOn({ schema: index.schema, name: index.table });
    if (queries.length === 0) continue;
    const uses = queries.map((q) => ({ q, keys: queryPrefixUse(index, q, options) }));
    const usedKeys = Math.max(0, ...uses.map((u) => u.keys));
    if (usedKeys === 0 || usedKeys >= index.keys.length) continue;
    out.push({
      index,
      usedKeys,
      prefixQueries: uses
        .filter((u) => u.keys > 0)
        .map((u) => u.q)
        .sort((a, b) => (b.calls ?? 0) - (a.calls ?? 0)),
      prefixServedBy: prefixIndexOf(index, usedKeys, byTable.get(tableKey(index.schema, index.table)) ?? []),
    });
  }
  return out;
}
