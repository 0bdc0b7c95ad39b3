/**
 * Which indexes redundant-index reports and which index to name as covering each: shared with
 * duplicate-index, which says when the index it keeps is itself redundant.
 */
import type { Index, SchemaModel } from '../model/types.js';
import { findDuplicatePairs, keepPreference } from './_duplicates.js';
import { covers, mayServe, sameShape, usableIndexesByTable, whyNotDroppable } from '../semantics/index-semantics.js';
import { keptInsteadOfUnjustified } from './_workload-evidence.js';
import type { RuleContext } from './types.js';

/**
 * Every index redundant-index reports, with the indexes that cover it: droppable, not a duplicate
 * (duplicate-index reports those), covered by another index on its table, and not the narrow
 * index kept when the workload proves the wider one unjustified. Worked out once per audit:
 * duplicate-index asks too, to say when the index it keeps is itself redundant.
 */
export function findRedundantIndexes(context: Pick<RuleContext, 'model' | 'workload'>): ReadonlyMap<Index, readonly Index[]> {
  const byWorkload = memo.get(context.model);
  const cached = byWorkload?.get(context.workload ?? NO_WORKLOAD);
  if (cached) return cached;
  const duplicates = new Set(findDuplicatePairs(context.model.indexes).map((p) => p.duplicate));
  const candidates = new Map<Index, Index[]>();
  for (const tableIndexes of usableIndexesByTable(context.model.indexes).values()) {
    for (const index of tableIndexes) {
      if (duplicates.has(index) || whyNotDroppable(index) !== null) continue;
      const coveredBy = tableIndexes.filter(
        (other) =>
          mayServe(other, index) &&
          !sameShape(index, other) &&
          covers(other, index) &&
          !(covers(index, other) && keepPreference(index, other) < 0),
      );
      // The workload uses only this index's keys of the wider one: unjustified-composite-index drops that one instead.
      if (coveredBy.length > 0 && !keptInsteadOfUnjustified(context, index, coveredBy)) candidates.set(index, coveredBy);
    }
  }
  const perModel = byWorkload ?? new WeakMap<object, Map<Index, Index[]>>();
  perModel.set(context.workload ?? NO_WORKLOAD, candidates);
  memo.set(context.model, perModel);
  return candidates;
}

/** Of the indexes that cover one, the one to name: neither redundant nor a duplicate itself, the narrowest such. */
export function stayingCover(coveredBy: readonly Index[], redundant: ReadonlyMap<Index, unknown>, duplicates: ReadonlySet<Index>): Index {
  return [...coveredBy].sort(
    (x, y) =>
      Number(redundant.has(x) || duplicates.has(x)) - Number(redundant.has(y) || duplicates.has(y)) ||
      x.keys.length - y.keys.length ||
      keepPreference(x, y),
  )[0]!;
}

const NO_WORKLOAD = {};
const memo = new WeakMap<SchemaModel, WeakMap<object, Map<Index, Index[]>>>();
