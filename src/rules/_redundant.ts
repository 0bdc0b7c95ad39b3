/**
 * Which indexes redundant-index reports and which index to name as covering each: shared with
 * duplicate-index, which says when the index it keeps is itself redundant.
 */
import type { Index, SchemaModel } from '../model/types.js';
import { covers, mayServe, sameShape, usableIndexesByTable, whyNotDroppable } from '../semantics/coverage.js';
import { foreignKeysOrphanedBy } from '../semantics/foreign-keys.js';
import { keepPreference, type DuplicatePair } from './_duplicates.js';
import type { UnjustifiedComposite } from './_workload-evidence.js';

/**
 * Every index redundant-index reports, with the indexes that cover it: droppable, not a duplicate
 * (duplicate-index reports those), covered by another index on its table, and not the narrow
 * index kept when the workload proves the wider one unjustified (unjustified-composite-index
 * drops that one instead, and both must not go).
 */
export function computeRedundantIndexes(
  model: SchemaModel,
  duplicatePairs: readonly DuplicatePair[],
  unjustified: readonly UnjustifiedComposite[],
): Map<Index, Index[]> {
  const duplicates = new Set(duplicatePairs.map((p) => p.duplicate));
  const servedPrefix = new Map(unjustified.map((u) => [u.index, u.prefixServedBy]));
  const candidates = new Map<Index, Index[]>();
  for (const tableIndexes of usableIndexesByTable(model.indexes).values()) {
    for (const index of tableIndexes) {
      if (duplicates.has(index) || whyNotDroppable(index, model.capabilities) !== null) continue;
      const coveredBy = tableIndexes.filter(
        (other) =>
          mayServe(other, index) &&
          !sameShape(index, other) &&
          covers(other, index) &&
          !(covers(index, other) && keepPreference(index, other, model) < 0),
      );
      if (coveredBy.length === 0) continue;
      if (coveredBy.every((c) => servedPrefix.get(c) === index)) continue;
      // InnoDB refuses to drop the last index a foreign key needs (error 1553): such an index stays.
      const staying = tableIndexes.filter((i) => i !== index && !duplicates.has(i) && !candidates.has(i));
      if (foreignKeysOrphanedBy(index, staying, model).length > 0) continue;
      candidates.set(index, coveredBy);
    }
  }
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
