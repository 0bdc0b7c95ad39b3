/**
 * Ties indexes to the workload's queries: which queries an index serves and how many of its
 * keys each one uses (the left-prefix rule of a btree), and whether the planner picked it. Used
 * by unjustified-composite-index, and by any rule that wants to say "a query needs this index"
 * or "no query uses that one's later columns" in its evidence.
 */
import type { Index, IndexKey, SchemaModel, Table } from '../model/types.js';
import { keyMatchesUse } from '../semantics/query-match.js';
import type { ColumnUse, ColumnUseGroup, QueryPattern, Workload } from '../model/workload.js';
import type { PlanEvidence } from '../workload/plans/types.js';
import type { EvidenceValue, RuleContext } from './types.js';
import { queriesNamingTable } from '../workload/by-table.js';
import { usableIndexesByTable } from '../semantics/index-semantics.js';

const EQUALITY_KINDS = new Set(['equality', 'in', 'is-null', 'join']);
const RANGE_KINDS = new Set(['range', 'like-prefix']);

/** Same table: the reference is qualified with this schema, or unqualified and the name matches. */
function refersTo(
  ref: { readonly schema: string | null; readonly table: string },
  table: { readonly schema: string; readonly name: string },
): boolean {
  return ref.table === table.name && (ref.schema === null || ref.schema === table.schema);
}

/** The AND-groups of a query on one table. */
export function groupsOnTable(query: QueryPattern, table: { readonly schema: string; readonly name: string }): ColumnUseGroup[] {
  return query.groups.filter((g) => refersTo(g.table, table));
}

/** Queries of the workload that read or write the table. */
export function queriesOnTable(workload: Workload, table: { readonly schema: string; readonly name: string }): QueryPattern[] {
  return queriesNamingTable(workload, table.name).filter(
    (q) => q.tables.some((t) => refersTo(t, table)) || q.groups.some((g) => refersTo(g.table, table)),
  );
}

/** The key indexes what the use constrains (an expression key is compared in canonical form; unparsable: no). */
function keyServes(key: IndexKey, use: ColumnUse): boolean {
  try {
    return keyMatchesUse(key, use);
  } catch {
    return false;
  }
}

/**
 * How many leading keys of a btree index one AND-group can use: equality, IN, IS NULL and join
 * conditions extend the prefix; a range (or LIKE prefix) condition ends it, counted; after the
 * equality prefix the ORDER BY keys, in order, count too. Expression keys match an expression
 * use with the same canonical text.
 */
export function usedPrefixLength(index: Index, group: ColumnUseGroup): number {
  let used = 0;
  for (const key of index.keys) {
    const matches = group.conditions.filter((c) => keyServes(key, c));
    if (matches.some((c) => EQUALITY_KINDS.has(c.kind))) {
      used++;
      continue;
    }
    if (matches.some((c) => RANGE_KINDS.has(c.kind))) return used + 1;
    break;
  }
  // ORDER BY continues the equality prefix: (a, b) serves WHERE a = $1 ORDER BY b.
  let o = 0;
  while (used < index.keys.length && o < group.orderBy.length) {
    const key = index.keys[used]!;
    const order = group.orderBy[o]!;
    if (!keyServes(key, order)) break;
    used++;
    o++;
  }
  return used;
}

/** How a query uses an index: the most leading keys any of its AND-groups on the table uses. */
export function queryPrefixUse(index: Index, query: QueryPattern): number {
  const table = { schema: index.schema, name: index.table };
  return Math.max(0, ...groupsOnTable(query, table).map((g) => usedPrefixLength(index, g)));
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
  context: Pick<RuleContext, 'workload' | 'plans'>,
  index: Index,
): { [key: string]: EvidenceValue } | null {
  const workload = context.workload;
  if (!workload) return null;
  const served = queriesNamingTable(workload, index.table)
    .map((q) => ({ q, keys: queryPrefixUse(index, q) }))
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

function isPlainColumnKey(index: Index, i: number): boolean {
  return index.keys[i]?.kind === 'column';
}

/** An existing index whose leading keys are exactly the first `n` keys of `index`, same predicate or none, usable. */
export function prefixIndexOf(index: Index, n: number, indexes: readonly Index[]): Index | null {
  const candidates = indexes.filter(
    (o) =>
      o !== index &&
      o.schema === index.schema &&
      o.table === index.table &&
      o.method === 'btree' &&
      o.valid &&
      o.ready &&
      o.keys.length >= n &&
      o.keys.length < index.keys.length &&
      (o.predicate === null || o.predicate === index.predicate) &&
      index.keys
        .slice(0, n)
        .every((k, i) => o.keys[i]!.kind === k.kind && o.keys[i]!.column === k.column && o.keys[i]!.expression === k.expression),
  );
  return candidates.sort((a, b) => a.keys.length - b.keys.length || (a.sizeBytes ?? 0) - (b.sizeBytes ?? 0))[0] ?? null;
}

/**
 * Composite btree indexes whose later keys no query of the workload uses together with the
 * leading ones (the seed's Rule 2). Only indexes that enforce nothing (not unique, no
 * constraint) and can be dropped by themselves; only tables the workload touches; only when
 * some query uses the index at all (an index no query uses is another rule's business).
 */
export function findUnjustifiedComposites(context: Pick<RuleContext, 'model' | 'workload'>): UnjustifiedComposite[] {
  const workload = context.workload;
  if (!workload || workload.queries.length === 0) return [];
  // Two rules ask for the same model and workload: compute once.
  const cached = memo.get(workload)?.get(context.model);
  if (cached) return cached;
  const found = computeUnjustified(context.model, workload);
  const byModel = memo.get(workload) ?? new WeakMap<SchemaModel, UnjustifiedComposite[]>();
  byModel.set(context.model, found);
  memo.set(workload, byModel);
  return found;
}

const memo = new WeakMap<Workload, WeakMap<SchemaModel, UnjustifiedComposite[]>>();

function computeUnjustified(model: SchemaModel, workload: Workload): UnjustifiedComposite[] {
  const context = { model };
  const out: UnjustifiedComposite[] = [];
  // The usable indexes of each table (prefixIndexOf wants usable ones), so that finding a prefix
  // index looks at one table's indexes, not all.
  const byTable = usableIndexesByTable(model.indexes);
  for (const index of context.model.indexes) {
    if (index.method !== 'btree' || index.keys.length < 2 || index.unique || index.primary || index.constraint !== null) continue;
    if (!index.valid || !index.ready || index.parentIndex !== null || index.referencedByForeignKeys.length > 0 || index.replicaIdentity)
      continue;
    const table = { schema: index.schema, name: index.table };
    const queries = queriesOnTable(workload, table);
    if (queries.length === 0) continue;
    const uses = queries.map((q) => ({ q, keys: queryPrefixUse(index, q) }));
    const usedKeys = Math.max(0, ...uses.map((u) => u.keys));
    if (usedKeys === 0 || usedKeys >= index.keys.length) continue;
    if (!Array.from({ length: usedKeys }, (_, i) => i).every((i) => isPlainColumnKey(index, i))) continue;
    out.push({
      index,
      usedKeys,
      prefixQueries: uses
        .filter((u) => u.keys > 0)
        .map((u) => u.q)
        .sort((a, b) => (b.calls ?? 0) - (a.calls ?? 0)),
      prefixServedBy: prefixIndexOf(index, usedKeys, byTable.get(`${index.schema}\u0000${index.table}`) ?? []),
    });
  }
  return out;
}

/**
 * True when every index that covers `index` is an unjustified composite that is to be dropped
 * because `index` serves its used prefix: redundant-index must then not propose dropping
 * `index` too, or both would go.
 */
export function keptInsteadOfUnjustified(
  context: Pick<RuleContext, 'model' | 'workload'>,
  index: Index,
  coveredBy: readonly Index[],
): boolean {
  if (!context.workload || coveredBy.length === 0) return false;
  const unjustified = new Map(findUnjustifiedComposites(context).map((u) => [u.index, u]));
  return coveredBy.every((c) => unjustified.get(c)?.prefixServedBy === index);
}

/** Rows of a table, for severity decisions. */
export function rowsOf(table: Table | undefined): number {
  return table?.rowEstimate ?? 0;
}

/**
 * Composites unjustified-composite-index drops because another index already serves their used
 * prefix. A rule that picks which of several indexes to keep (for a foreign key, say) must not
 * pick one of these, or applying every fix would drop both.
 */
export function droppedAsUnjustified(context: Pick<RuleContext, 'model' | 'workload'>): ReadonlySet<Index> {
  return new Set(
    findUnjustifiedComposites(context)
      .filter((u) => u.prefixServedBy !== null)
      .map((u) => u.index),
  );
}
