import type { Index } from '../model/types.js';
import { stayingCover } from './_redundant.js';
import { dropAction, foreignKeysNote } from './_actions.js';
import { defineRule } from './define-rule.js';
import { indexEvidence, keyList, tableEvidence, writesOf } from './_evidence.js';
import { workloadEvidenceFor } from './_workload-evidence.js';

/** Why `b` serves everything `a` does, in words. */
function reasonFor(a: Index, b: Index): string {
  const parts: string[] = [];
  if (b.keys.length > a.keys.length) {
    parts.push(`(${keyList(a).join(', ')}) is a left prefix of ${b.name}'s keys (${keyList(b).join(', ')})`);
  } else {
    parts.push(`${b.name} has the same keys (${keyList(b).join(', ')})`);
  }
  if (a.include.length > 0) parts.push(`its INCLUDE columns (${a.include.join(', ')}) are stored in ${b.name} too`);
  if (a.unique) parts.push(`${b.name} enforces the same uniqueness`);
  if (a.predicate !== null) parts.push('both have the same predicate');
  return parts.join('; ');
}

/**
 * An index whose every use another index on the same table serves too: its keys are a left
 * prefix of the other's (btree), with the same operator classes, collations, sort order (or
 * all reversed), predicate, and INCLUDE columns the other stores. An index that enforces
 * uniqueness is only redundant to one that enforces the same uniqueness. Indexes that cannot
 * be dropped by themselves are never reported; exact duplicates are duplicate-index's.
 */
export const redundantIndex = defineRule({
  id: 'redundant-index',
  severity: 'medium',
  docs: { description: 'Indexes whose every use another index on the same table serves too (left prefix, INCLUDE columns).' },
  check(context) {
    const { model, lookup } = context;
    const duplicates = new Set(context.facts.duplicates.map((p) => p.duplicate));
    const candidates = context.facts.redundant;
    const findings = [];
    for (const [index, coveredBy] of candidates) {
      const best = stayingCover(coveredBy, candidates, duplicates);
      const table = lookup.table(index.schema, index.table);
      findings.push({
        rule: 'redundant-index' as const,
        severity: 'medium' as const,
        schema: index.schema,
        table: index.table,
        index: index.name,
        ...(index.constraint ? { constraint: index.constraint.name } : {}),
        columns: keyList(index),
        coveredBy: best.name,
        message: `Index ${index.name} on ${index.schema}.${index.table} is redundant: ${reasonFor(index, best)}, so ${best.name} serves every query it serves.`,
        help: index.constraint
          ? `Drop the constraint ${index.constraint.name} (its index goes with it); ${best.name} keeps enforcing it.`
          : `Drop ${index.name}; queries on (${keyList(index).join(', ')}) use ${best.name}.${foreignKeysNote(index, best, model)}`,
        evidence: {
          index: indexEvidence(index),
          coveredBy: indexEvidence(best),
          alsoCoveredBy: coveredBy.filter((c) => c !== best).map((c) => c.name),
          table: tableEvidence(table),
          writesSinceStatsReset: writesOf(table?.usage ?? null),
          ...(context.workload
            ? { workload: workloadEvidenceFor(context, index), coveredByWorkload: workloadEvidenceFor(context, best) }
            : {}),
        },
        actions: [dropAction(index, model)],
      });
    }
    return findings;
  },
});
