import type { Index, Table } from '../model/types.js';
import type { ModelLookup } from '../model/lookup.js';
import { defineRule } from './define-rule.js';
import { tableEvidence, trafficSeverity } from './_evidence.js';
import type { Finding } from './types.js';
import { emitterFor } from '../dialects/emitters.js';

/**
 * A unique index PostgreSQL accepts for `ADD PRIMARY KEY USING INDEX`: valid, btree, plain
 * columns with default operator classes, collations and sort order, no predicate, not backing
 * a constraint already, and every key column NOT NULL.
 */
function promotable(index: Index, table: Table): boolean {
  if (!index.unique || index.primary || index.constraint !== null || !index.valid || !index.ready) return false;
  if (index.method !== 'btree' || index.predicate !== null || index.partitioned || index.include.length > 0) return false;
  return index.keys.every((k) => {
    if (k.kind !== 'column' || k.column === null || !k.opclassIsDefault || !k.collationIsDefault) return false;
    if (k.ordering !== null && (k.ordering.descending || k.ordering.nullsFirst)) return false;
    return table.columns.find((c) => c.name === k.column)?.notNull === true;
  });
}

/** A unique index over plain NOT NULL columns, whatever backs it: a key the table could have. */
function uniqueOverNotNull(index: Index, table: Table): boolean {
  if (!index.unique || index.primary || !index.valid || index.predicate !== null) return false;
  return index.keys.every((k) => k.kind === 'column' && table.columns.find((c) => c.name === k.column)?.notNull === true);
}

function hasPrimaryKey(table: Table, lookup: ModelLookup): boolean {
  return lookup.indexesOf({ schema: table.schema, name: table.name }).some((i) => i.primary);
}

/**
 * A table without a primary key. Rows cannot be addressed reliably (ORMs, deduplication, manual
 * fixes), and logical replication refuses UPDATE and DELETE on it unless a replica identity is
 * set. Partitions are judged through their partitioned table, materialized views not at all.
 */
export const tableWithoutPrimaryKey = defineRule({
  id: 'table-without-primary-key',
  severity: 'medium',
  docs: {
    description:
      'Tables without a primary key: rows cannot be addressed reliably and logical replication cannot replicate their UPDATEs and DELETEs.',
  },
  check({ model, lookup, options }) {
    const findings: Finding[] = [];
    // What a missing key costs and how to add one are the engine's own: its emitter words them.
    const emitter = emitterFor(model.dialect, model.capabilities);
    for (const table of model.tables) {
      if (table.kind === 'materialized-view') continue;
      if (table.kind === 'partition' && table.parent && lookup.table(table.parent.schema, table.parent.name)) continue;
      if (hasPrimaryKey(table, lookup)) continue;
      const indexes = lookup.indexesOf({ schema: table.schema, name: table.name });
      const candidates = indexes
        .filter((i) => promotable(i, table))
        .sort((a, b) => a.keys.length - b.keys.length || (a.sizeBytes ?? 0) - (b.sizeBytes ?? 0) || a.name.localeCompare(b.name));
      const candidate = table.kind === 'table' && model.capabilities.primaryKeyFromIndex !== false ? candidates[0] : undefined;
      const replication =
        table.replicaIdentityIndex !== null
          ? `its REPLICA IDENTITY is index ${table.replicaIdentityIndex}, so logical replication can still replicate UPDATE and DELETE`
          : (emitter?.costWithoutPrimaryKey ?? null);
      // A unique index over NOT NULL columns the engine cannot make the primary key in place (InnoDB, SQLite).
      const unpromoted = model.capabilities.primaryKeyFromIndex === false ? indexes.find((i) => uniqueOverNotNull(i, table)) : undefined;
      const why = unpromoted
        ? `the unique index ${unpromoted.name} (${unpromoted.keys.map((k) => k.column).join(', ')}, all NOT NULL) could be the key, but this engine cannot make an index the primary key without rebuilding the table`
        : 'no unique index over NOT NULL columns exists to promote';
      const help = candidate
        ? `Promote the unique index ${candidate.name} (${candidate.keys.map((k) => k.column).join(', ')}, all NOT NULL) to the primary key with ALTER TABLE … ADD PRIMARY KEY USING INDEX.`
        : table.kind === 'partitioned'
          ? `Add a primary key that includes the partition key (ALTER TABLE ${table.schema}.${table.name} ADD PRIMARY KEY (…, partition key)); no fix is generated because dbdoctor cannot choose the key columns.`
          : `Add a primary key: a natural key that is unique and NOT NULL, or ${emitter?.describeSurrogateKey(table) ?? 'a column the database numbers itself'}. No fix is generated: ${why}, and the key is a design choice.`;
      findings.push({
        rule: 'table-without-primary-key',
        severity: trafficSeverity([table], options),
        schema: table.schema,
        table: table.name,
        message: `Table ${table.schema}.${table.name} has no primary key: its rows cannot be addressed reliably${replication === null ? '' : `, and ${replication}`}.`,
        help,
        evidence: {
          table: tableEvidence(table),
          replicaIdentityIndex: table.replicaIdentityIndex,
          uniqueIndexes: indexes.filter((i) => i.unique).map((i) => i.definition),
          promotableIndex: candidate?.name ?? null,
        },
        ...(candidate
          ? {
              index: candidate.name,
              columns: candidate.keys.map((k) => k.column ?? k.expression),
              actions: [{ kind: 'add-primary-key' as const, index: candidate }],
            }
          : {}),
      });
    }
    return findings;
  },
});
