/**
 * Sorting out groups of interchangeable indexes: which one to keep, which ones to report.
 * duplicate-index reports the result; redundant-index uses it to avoid naming an index that
 * is itself about to be dropped as the one that covers another.
 */
import type { Index, SchemaModel } from '../model/types.js';
import { covers, sameShape, usableIndexesByTable, whyNotDroppable } from '../semantics/coverage.js';
import { foreignKeysOrphanedBy } from '../semantics/foreign-keys.js';

/** An index that another, interchangeable one makes unnecessary. */
export interface DuplicatePair {
  readonly duplicate: Index;
  readonly keep: Index;
}

/** Names that look like leftovers or copies: `_ccnew`/`_ccold` from REINDEX CONCURRENTLY, numbered or temporary copies. */
const LEFTOVER_NAME = /(_ccnew\d*|_ccold\d*|\d+|_(tmp|temp|copy|old|new|bak|backup))$/i;

function constraintRank(index: Index): number {
  if (index.primary) return 3;
  if (index.constraint?.type === 'unique') return 2;
  if (index.constraint) return 1;
  return 0;
}

/**
 * Orders candidates to keep: first those that cannot be dropped by themselves, then the one
 * backing a constraint, then unique ones (strictest first), then a better name, then the older.
 */
export function keepPreference(a: Index, b: Index, model?: SchemaModel): number {
  const caps = model?.capabilities;
  return (
    Number(whyNotDroppable(b, caps) !== null) - Number(whyNotDroppable(a, caps) !== null) ||
    constraintRank(b) - constraintRank(a) ||
    Number(b.unique) - Number(a.unique) ||
    Number(b.nullsNotDistinct) - Number(a.nullsNotDistinct) ||
    Number(b.constraint?.immediate ?? true) - Number(a.constraint?.immediate ?? true) ||
    Number(LEFTOVER_NAME.test(a.name)) - Number(LEFTOVER_NAME.test(b.name)) ||
    (a.creationOrder ?? 0) - (b.creationOrder ?? 0) ||
    a.name.localeCompare(b.name)
  );
}

/** Every removable duplicate in the model, each with the index to keep instead. */
export function computeDuplicatePairs(model: SchemaModel): DuplicatePair[] {
  const caps = model.capabilities;
  const pairs: DuplicatePair[] = [];
  for (const tableIndexes of usableIndexesByTable(model.indexes).values()) {
    const seen = new Set<Index>();
    for (const index of tableIndexes) {
      if (seen.has(index)) continue;
      const group = tableIndexes.filter((other) => other === index || sameShape(index, other));
      group.forEach((g) => seen.add(g));
      if (group.length < 2) continue;
      group.sort((a, b) => keepPreference(a, b, model));
      // Least preferred first: each one goes if another member that stays covers it. Covering is
      // transitive, so whatever covered a dropped index is itself dropped only for one that covers both.
      const dropped = new Map<Index, Index>();
      for (const candidate of [...group].reverse()) {
        if (whyNotDroppable(candidate, caps) !== null) continue;
        // InnoDB refuses to drop the last index a foreign key needs (error 1553): keep it instead.
        const staying = tableIndexes.filter((i) => i !== candidate && !dropped.has(i));
        if (foreignKeysOrphanedBy(candidate, staying, model).length > 0) continue;
        const keeper = group.find((k) => k !== candidate && !dropped.has(k) && covers(k, candidate));
        if (keeper) dropped.set(candidate, keeper);
      }
      for (const [duplicate, keeper] of dropped) {
        let keep = keeper;
        while (dropped.has(keep)) keep = dropped.get(keep)!;
        pairs.push({ duplicate, keep });
      }
    }
  }
  return pairs;
}
