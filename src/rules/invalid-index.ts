import type { Index } from '../model/types.js';
import { quoteQualified } from '../sql/quote.js';
import { defineRule } from './define-rule.js';
import { indexEvidence, keyList, tableEvidence } from './_evidence.js';
import type { Finding } from './types.js';

/**
 * An index the planner cannot use: left INVALID by a failed CREATE INDEX CONCURRENTLY or
 * REINDEX CONCURRENTLY (it may still be updated on every write), or a partitioned index that
 * some partition has no index attached to.
 */
export const invalidIndex = defineRule({
  id: 'invalid-index',
  severity: 'medium',
  docs: { description: 'Indexes left INVALID (a failed CREATE INDEX CONCURRENTLY), which cost writes and serve no query.' },
  check({ model, lookup }) {
    const findings: Finding[] = [];
    for (const index of model.indexes) {
      if (index.valid) continue;
      const table = lookup.table(index.schema, index.table);
      findings.push(
        index.partitioned ? partitionedFinding(index, model.indexes, lookup.model.tables) : plainFinding(index, tableEvidence(table)),
      );
    }
    return findings;
  },
});

function plainFinding(index: Index, table: Finding['evidence']): Finding {
  const leftover = /_ccnew\d*$|_ccold\d*$/.test(index.name);
  return {
    rule: 'invalid-index',
    severity: 'medium',
    schema: index.schema,
    table: index.table,
    index: index.name,
    columns: keyList(index),
    message: `Index ${index.name} on ${index.schema}.${index.table} is INVALID: no query can use it${index.ready ? ', yet every write still updates it' : ''}${index.unique && index.ready ? ', and as a unique index it still rejects duplicate inserts' : ''}.`,
    help: leftover
      ? `Drop ${index.name}: it is a leftover of an interrupted REINDEX CONCURRENTLY.`
      : `Drop ${index.name}, find why the build failed (for a unique index: duplicate values), then build it again with CREATE INDEX CONCURRENTLY if it is still wanted.`,
    evidence: { index: indexEvidence(index), ready: index.ready, table },
    // The way back cannot bring an INVALID index back as it was: the emitter says so and leaves it out of down.
    actions: [{ kind: 'drop-index', index, attached: [] }],
  };
}

function partitionedFinding(
  index: Index,
  indexes: readonly Index[],
  tables: readonly { schema: string; name: string; kind: string; parent: { schema: string; name: string } | null }[],
): Finding {
  const attached = new Set(
    indexes.filter((i) => i.parentIndex?.schema === index.schema && i.parentIndex.name === index.name).map((i) => `${i.schema}.${i.table}`),
  );
  const missing = tables
    .filter((t) => t.parent?.schema === index.schema && t.parent.name === index.table && !attached.has(`${t.schema}.${t.name}`))
    .map((t) => `${t.schema}.${t.name}`);
  return {
    rule: 'invalid-index',
    severity: 'medium',
    schema: index.schema,
    table: index.table,
    index: index.name,
    columns: keyList(index),
    message: `Partitioned index ${index.name} on ${index.schema}.${index.table} is INVALID: ${missing.length > 0 ? `partitions ${missing.join(', ')} have no index attached to it` : 'not every partition has an index attached to it'}.`,
    help: `Build a matching index on each partition listed (CREATE INDEX CONCURRENTLY), then attach each with ALTER INDEX ${quoteQualified(index.schema, index.name)} ATTACH PARTITION …; the parent index becomes valid once all are attached.`,
    evidence: { index: indexEvidence(index), partitionsWithoutIndex: missing },
  };
}
