import type { ForeignKey, Table } from '../model/types.js';
import type { ModelLookup } from '../model/lookup.js';
import { servesForeignKey } from '../semantics/foreign-keys.js';
import { createAction, newIndexSpec, plainKey } from './_actions.js';
import { defineRule } from './define-rule.js';
import { tableEvidence, trafficSeverity } from './_evidence.js';
import type { Finding } from './types.js';

function hasServingIndex(table: Table | undefined, fk: ForeignKey, lookup: ModelLookup): boolean {
  const tableRef = { schema: fk.schema, name: fk.table };
  if (lookup.indexesOf(tableRef).some((i) => servesForeignKey(i, fk, lookup.model.capabilities))) return true;
  // A partitioned table without a parent index is still fine if every partition has its own.
  if (table?.kind !== 'partitioned') return false;
  const partitions = lookup.model.tables.filter((t) => t.parent?.schema === table.schema && t.parent.name === table.name);
  return partitions.length > 0 && partitions.every((p) => hasServingIndex(p, { ...fk, schema: p.schema, table: p.name }, lookup));
}

/**
 * A foreign key with no index serving the lookup on the referencing table. PostgreSQL and SQLite
 * do not create one (MySQL's InnoDB does): without it every DELETE or key UPDATE on the
 * referenced table scans the referencing table, and joins along the key cannot use an index.
 */
export const unindexedForeignKey = defineRule({
  id: 'unindexed-foreign-key',
  severity: 'medium',
  docs: { description: 'Foreign keys whose referencing columns lead no valid index, so deletes on the referenced table scan this one.' },
  check({ model, lookup, options, facts }) {
    if (model.capabilities.foreignKeysAutoIndexed) return [];
    const findings: Finding[] = [];
    for (const fk of model.foreignKeys) {
      const table = lookup.table(fk.schema, fk.table);
      if (hasServingIndex(table, fk, lookup)) continue;
      const referenced = lookup.table(fk.referencedTable.schema, fk.referencedTable.name);
      const columns = fk.columns.map((c) => c.column);
      const name = facts.names.indexName(fk.schema, fk.table, columns);
      const spec = newIndexSpec(
        { schema: fk.schema, name: fk.table },
        name,
        // Where the check compares with another collation than the column's (SQLite: a NOCASE parent key), the key needs it.
        fk.columns.map((c) =>
          c.checkCollation ? { ...plainKey(c.column), collation: c.checkCollation, collationIsDefault: false } : plainKey(c.column),
        ),
      );
      const ref = `${fk.referencedTable.schema}.${fk.referencedTable.name}`;
      const engine = model.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL';
      findings.push({
        rule: 'unindexed-foreign-key',
        severity: trafficSeverity([table, referenced], options),
        schema: fk.schema,
        table: fk.table,
        constraint: fk.name,
        columns,
        message: `Foreign key ${fk.name} on ${fk.schema}.${fk.table} (${columns.join(', ')}) has no index: ${engine} does not create one, so every DELETE or key UPDATE on ${ref} scans ${fk.table}.`,
        help: `Create an index on ${fk.schema}.${fk.table} (${columns.join(', ')})${model.capabilities.concurrentIndexBuild ? ' concurrently' : ''}.`,
        evidence: {
          foreignKey: fk.definition,
          onDelete: fk.onDelete,
          onUpdate: fk.onUpdate,
          table: tableEvidence(table),
          referencedTable: { name: ref, ...tableEvidence(referenced) },
          proposedIndex: name,
        },
        actions: [createAction(spec, table, model, facts.names, columns)],
      });
    }
    return findings;
  },
});
