import type { ForeignKey, Index, SchemaModel, Table } from '../model/types.js';
import { sumUsage } from './context/classify-usage.js';
import type { ModelLookup } from '../model/lookup.js';
import { describeAge } from './context/trust.js';
import { defineRule } from './define-rule.js';
import { hasRealTraffic, indexEvidence, keyList, tableEvidence, writesOf } from './_evidence.js';
import { servesForeignKey } from '../semantics/foreign-keys.js';
import { keepPreference } from './_duplicates.js';
import { workloadEvidenceFor } from './_workload-evidence.js';
import { dropAction } from './_actions.js';
import type { AuditFacts, EvidenceValue, Finding } from './types.js';
import { formatCount } from '../util/numbers.js';

/**
 * Indexes the foreign-key checks rely on: for every foreign key, one index that serves its check
 * is kept out of this rule, so dropping the unused ones never leaves a foreign key without an
 * index. The one kept is the one the other rules keep too: never a duplicate duplicate-index
 * drops, the widest (redundant-index drops the narrower of a prefix pair), then the most scanned.
 */
function foreignKeySupport(model: SchemaModel, lookup: ModelLookup, facts: AuditFacts): Map<Index, ForeignKey> {
  const duplicates = new Set(facts.duplicates.map((p) => p.duplicate));
  // unjustified-composite-index drops these for the narrower index the workload uses: keep that one instead.
  for (const index of facts.droppedAsUnjustified) duplicates.add(index);
  const support = new Map<Index, ForeignKey>();
  for (const fk of model.foreignKeys) {
    const serving = lookup.indexesOf({ schema: fk.schema, name: fk.table }).filter((i) => servesForeignKey(i, fk, model.capabilities));
    if (serving.length === 0) continue;
    const keep = [...serving].sort(
      (a, b) =>
        Number(duplicates.has(a)) - Number(duplicates.has(b)) ||
        b.keys.length + b.include.length - (a.keys.length + a.include.length) ||
        (facts.usage.scans(b) ?? 0) - (facts.usage.scans(a) ?? 0) ||
        keepPreference(a, b, model),
    )[0]!;
    if (!support.has(keep)) support.set(keep, fk);
  }
  return support;
}

/** Why an index is out of this rule's reach whatever its scans, or null. */
function exempt(index: Index, support: ReadonlyMap<Index, ForeignKey>): string | null {
  if (!index.valid || !index.ready) return 'invalid';
  if (index.primary) return 'primary key';
  if (index.unique) return 'enforces uniqueness';
  if (index.constraint?.type === 'exclusion') return 'enforces an exclusion constraint';
  if (index.replicaIdentity) return 'replica identity';
  if (index.parentIndex !== null) return 'attached to a partitioned index, which is judged instead';
  if (index.referencedByForeignKeys.length > 0) return 'a foreign key references the table through it';
  if (support.has(index)) return 'the index a foreign key check uses';
  return null;
}

/** Leaf partitions of a table (itself when it is not partitioned). */
function leafTables(table: Table, model: SchemaModel): readonly Table[] {
  if (table.kind !== 'partitioned') return [table];
  return model.tables.filter((t) => t.parent?.schema === table.schema && t.parent.name === table.name).flatMap((t) => leafTables(t, model));
}

/**
 * An index no query has scanned since the statistics were reset, on every node read. It still
 * costs its size on disk and in the buffer cache, and an index entry on every insert and
 * non-HOT update. Primary keys, unique and exclusion indexes, the replica identity and the index
 * a foreign key relies on are never reported: they work without being scanned.
 */
export const unusedIndex = defineRule({
  id: 'unused-index',
  severity: 'medium',
  docs: {
    description: 'Indexes never scanned since the statistics reset (on the primary and every replica read), which cost space and writes.',
  },
  check(context) {
    const { model, lookup, options, facts } = context;
    if (!model.capabilities.usageStatistics || model.database.settings.track_counts === 'off') return [];
    const { nodes, trust } = facts;
    const support = foreignKeySupport(model, lookup, facts);
    const findings: Finding[] = [];
    // The same for every finding: worked out once.
    const since = trust.resetAt === null ? 'since the statistics began' : `since the statistics reset at ${trust.resetAt}`;
    const where = nodes.length > 1 ? ` on any of ${nodes.length} nodes` : '';
    const caveat = trust.trustworthy
      ? ''
      : ` Statistics are not conclusive yet: ${trust.notes.filter((n) => !n.startsWith('Statistics cover') && !n.startsWith('Statistics were never reset')).join(' ')}`;
    const statistics: { [key: string]: EvidenceValue } = {
      resetAt: trust.resetAt,
      ageDays: trust.ageDays,
      trustworthy: trust.trustworthy,
      ...(trust.ageDays !== null ? { age: describeAge(trust.ageDays) } : {}),
    };
    for (const index of model.indexes) {
      if (exempt(index, support) !== null) continue;
      const perNode = facts.usage.byNode(index);
      if (perNode === null || perNode.some((n) => n.scans > 0)) continue;
      const table = lookup.table(index.schema, index.table);
      // A partitioned table has no counters of its own: its partitions carry the traffic.
      const leaves = table ? leafTables(table, model) : [];
      const usage =
        leaves.length === 1
          ? leaves[0]!.usage
          : leaves.length === 0 || leaves.some((l) => l.usage === null)
            ? null
            : sumUsage(leaves.map((l) => l.usage!));
      const entries = usage === null ? null : usage.inserts + Math.max(0, usage.updates - usage.hotUpdates);
      const cost = entries === null ? '' : `, and it took ${formatCount(entries)} index-entry writes (inserts and non-HOT updates)`;
      const size = index.sizeBytes === null ? '' : ` It occupies ${formatCount(index.sizeBytes)} bytes${cost}.`;
      const severity = trust.trustworthy && leaves.some((l) => hasRealTraffic(l, options)) ? 'medium' : 'low';
      const known = workloadEvidenceFor(context, index);
      const wanted = known === null ? 0 : (known.queriesUsingIt as readonly EvidenceValue[]).length;
      // Known queries that could use it, yet it was never scanned: the planner serves them another way
      // (or they are newer than the statistics) — worth saying before anyone drops it.
      const workloadNote =
        wanted === 0
          ? ''
          : ` ${formatCount(wanted)} known ${wanted === 1 ? 'query filters' : 'queries filter'} on its leading key${index.keys.length > 1 ? 's' : ''}, yet none was served by it: the planner prefers another path for ${wanted === 1 ? 'it' : 'them'}, or ${wanted === 1 ? 'it is' : 'they are'} newer than the statistics.`;
      const nodeEvidence: EvidenceValue[] = nodes.map((n, i) => ({
        node: n.node,
        scans: perNode.find((p) => p.node === n.node)?.scans ?? (i === 0 ? perNode.find((p) => p.node === null)?.scans : undefined) ?? 0,
        statsResetAt: n.resetAt,
        statsAgeDays: n.ageDays,
      }));
      findings.push({
        rule: 'unused-index',
        severity,
        schema: index.schema,
        table: index.table,
        index: index.name,
        columns: keyList(index),
        message: `Index ${index.name} on ${index.schema}.${index.table} has not been scanned ${since}${where}.${size}${workloadNote}${caveat}`,
        help: trust.trustworthy
          ? `Drop ${index.name}${model.capabilities.concurrentIndexBuild ? ' concurrently' : ''}, unless a rare job (month-end report, yearly cleanup) needs it; the down migration rebuilds it exactly.`
          : `Keep ${index.name} for now and audit again once the statistics cover at least ${options.minStatsAgeDays} days of normal traffic.`,
        evidence: {
          index: indexEvidence(index),
          nodes: nodeEvidence,
          statistics,
          tableWrites: writesOf(usage),
          indexEntryWrites: entries,
          table: tableEvidence(table),
          ...(known !== null ? { workload: known } : {}),
        },
        // A hint on statistics that prove nothing yet gets no fix: `dbdoctor fix` must not drop it.
        ...(trust.trustworthy ? { actions: [dropAction(index, model)] } : {}),
      });
    }
    return findings;
  },
});
