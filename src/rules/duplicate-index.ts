import type { Index } from '../model/types.js';
import { stayingCover } from './_redundant.js';
import { storedKeys } from '../semantics/keys.js';
import { dropAction, foreignKeysNote } from './_actions.js';
import { defineRule } from './define-rule.js';
import { indexEvidence, keyList, tableEvidence, writesOf } from './_evidence.js';
import { workloadEvidenceFor } from './_workload-evidence.js';

/** When the index kept is itself redundant, so that "keep it" and redundant-index's "drop it" read as one plan. */
function keptIsRedundant(keep: Index, redundant: ReadonlyMap<Index, readonly Index[]>, duplicates: ReadonlySet<Index>): string {
  const coveredBy = redundant.get(keep);
  if (!coveredBy) return '';
  const cover = stayingCover(coveredBy, redundant, duplicates);
  return ` ${keep.name} is in turn redundant to ${cover.name} (see redundant-index): applying both fixes leaves ${cover.name} to serve these queries.`;
}

/**
 * How two duplicates hold the same keys: declared alike, or alike once the engine appends the
 * primary key's columns to a secondary index (InnoDB: `(a)` with primary key `(a, b)` stores `(a, b)`).
 */
function sameKeysInWords(duplicate: Index, keep: Index): string {
  const declared = keyList(duplicate).join(', ');
  const kept = keyList(keep).join(', ');
  if (declared === kept) return `both index (${declared}) the same way`;
  const stored = storedKeys(duplicate)
    .map((k) => k.column ?? k.expression)
    .join(', ');
  return `with the primary-key columns the engine appends to every secondary index, ${duplicate.name} (${declared}) and ${keep.name} (${kept}) both store (${stored}) in the same order`;
}

/**
 * Two indexes on the same table that serve exactly the same queries: same access method, keys,
 * operator classes, collations, sort order (or all reversed), INCLUDE columns and predicate.
 * The one whose constraints the other enforces too is reported; the one backing a constraint,
 * else the unique one, else the better-named or older one is kept.
 */
export const duplicateIndex = defineRule({
  id: 'duplicate-index',
  severity: 'critical',
  docs: { description: 'Indexes that are interchangeable with another index on the same table for every query and constraint.' },
  check(context) {
    const { model, lookup } = context;
    const pairs = context.facts.duplicates;
    const redundant = context.facts.redundant;
    const duplicates = new Set(pairs.map((p) => p.duplicate));
    return pairs.map(({ duplicate, keep }) => {
      const table = lookup.table(duplicate.schema, duplicate.table);
      const why = keep.constraint
        ? `it backs the ${keep.constraint.type === 'primary' ? 'primary key' : `${keep.constraint.type} constraint`} ${keep.constraint.name}`
        : keep.unique && !duplicate.unique
          ? 'it also enforces uniqueness'
          : 'it is the better-named or older of the two';
      return {
        rule: 'duplicate-index',
        severity: 'critical' as const,
        schema: duplicate.schema,
        table: duplicate.table,
        index: duplicate.name,
        ...(duplicate.constraint ? { constraint: duplicate.constraint.name } : {}),
        columns: keyList(duplicate),
        coveredBy: keep.name,
        message: `Index ${duplicate.name} duplicates ${keep.name} on ${duplicate.schema}.${duplicate.table}: ${sameKeysInWords(duplicate, keep)}, so every write maintains both for no query benefit.`,
        help:
          (duplicate.constraint
            ? `Drop the constraint ${duplicate.constraint.name} (its index goes with it) and keep ${keep.name}, because ${why}.`
            : `Drop ${duplicate.name} and keep ${keep.name}, because ${why}.`) +
          keptIsRedundant(keep, redundant, duplicates) +
          foreignKeysNote(duplicate, keep, model),
        evidence: {
          index: indexEvidence(duplicate),
          coveredBy: indexEvidence(keep),
          table: tableEvidence(table),
          writesSinceStatsReset: writesOf(table?.usage ?? null),
          // Which queries the pair serves, and which of the two the planner picks for them.
          ...(context.workload
            ? { workload: workloadEvidenceFor(context, duplicate), keptWorkload: workloadEvidenceFor(context, keep) }
            : {}),
        },
        actions: [dropAction(duplicate, model)],
      };
    });
  },
});
