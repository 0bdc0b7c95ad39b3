import type { ForeignKey, Index, Table } from '../model/types.js';
import type { ModelLookup } from '../model/lookup.js';
import { quoteIdent, quoteQualified } from '../sql/quote.js';
import { freeRelationName, takenRelationNames } from '../semantics/names.js';
import { defineRule } from './define-rule.js';
import { tableEvidence, trafficSeverity } from './_evidence.js';
import { isUsable } from '../semantics/index-semantics.js';
import { impliedByEqualityOn } from '../semantics/predicate.js';
import type { Finding, Fix } from './types.js';

/** Methods whose index the planner uses for the referential lookup `fkcol = $1`. */
const EQUALITY_METHODS = new Set(['btree', 'hash']);

/**
 * Serves the lookup PostgreSQL runs on the referencing table when a referenced row is deleted
 * or its key updated (`WHERE $1 = fkcol …`): its leading keys are exactly the foreign-key
 * columns in any order, each in an operator family holding the check's equality operator and
 * with the column's collation, and its predicate (if partial) follows from those equalities.
 */
export function servesForeignKey(index: Index, fk: ForeignKey): boolean {
  if (!isUsable(index) || !EQUALITY_METHODS.has(index.method)) return false;
  if (index.method === 'hash' && fk.columns.length !== 1) return false;
  const n = fk.columns.length;
  if (index.keys.length < n) return false;
  const leading = index.keys.slice(0, n);
  for (const fkColumn of fk.columns) {
    const key = leading.find((k) => k.kind === 'column' && k.column === fkColumn.column);
    if (!key) return false;
    if (key.opfamily !== null && !fkColumn.equalityOpfamilies.includes(key.opfamily)) return false;
    if (key.collation !== null && fkColumn.collation !== null && key.collation !== fkColumn.collation) return false;
  }
  return impliedByEqualityOn(
    index.predicate,
    fk.columns.map((c) => c.column),
  );
}

function hasServingIndex(table: Table | undefined, fk: ForeignKey, lookup: ModelLookup): boolean {
  const tableRef = { schema: fk.schema, name: fk.table };
  if (lookup.indexesOf(tableRef).some((i) => servesForeignKey(i, fk))) return true;
  // A partitioned table without a parent index is still fine if every partition has its own.
  if (table?.kind !== 'partitioned') return false;
  const partitions = lookup.model.tables.filter((t) => t.parent?.schema === table.schema && t.parent.name === table.name);
  return partitions.length > 0 && partitions.every((p) => hasServingIndex(p, { ...fk, schema: p.schema, table: p.name }, lookup));
}

/** A name for a new index on `table` that no relation in `schema` has yet; the name is then taken. */
function newIndexName(schema: string, table: string, fk: ForeignKey, takenBySchema: Map<string, Set<string>>): string {
  const taken = takenBySchema.get(schema) ?? new Set<string>();
  takenBySchema.set(schema, taken);
  const name = freeRelationName(`${table}_${fk.columns.map((c) => c.column).join('_')}_idx`, taken);
  taken.add(name);
  return name;
}

function createFix(
  fk: ForeignKey,
  table: Table | undefined,
  name: string,
  lookup: ModelLookup,
  takenBySchema: Map<string, Set<string>>,
): Fix {
  const columns = fk.columns.map((c) => quoteIdent(c.column)).join(', ');
  const target = quoteQualified(fk.schema, fk.table);
  const qualifiedName = quoteQualified(fk.schema, name);
  if (table?.kind !== 'partitioned') {
    return {
      up: [`CREATE INDEX CONCURRENTLY IF NOT EXISTS ${quoteIdent(name)} ON ${target} (${columns})`],
      down: [`DROP INDEX CONCURRENTLY IF EXISTS ${qualifiedName}`],
      transactional: false,
    };
  }
  // A partitioned table cannot be indexed CONCURRENTLY: create the parent index ONLY (invalid, no
  // lock on partitions), build each partition's index concurrently, then attach them.
  const partitions = lookup.model.tables.filter((t) => t.parent?.schema === table.schema && t.parent.name === table.name);
  const up = [`CREATE INDEX IF NOT EXISTS ${quoteIdent(name)} ON ONLY ${target} (${columns})`];
  for (const p of partitions) {
    const partIndex = newIndexName(p.schema, p.name, fk, takenBySchema);
    const concurrently = p.kind === 'partitioned' ? '' : 'CONCURRENTLY ';
    up.push(`CREATE INDEX ${concurrently}IF NOT EXISTS ${quoteIdent(partIndex)} ON ${quoteQualified(p.schema, p.name)} (${columns})`);
    up.push(`ALTER INDEX ${qualifiedName} ATTACH PARTITION ${quoteQualified(p.schema, partIndex)}`);
  }
  return {
    up,
    down: [`DROP INDEX IF EXISTS ${qualifiedName}`],
    transactional: false,
    notes: [
      'Partition indexes are built concurrently and attached; dropping the parent index (down) drops them too and takes a brief ACCESS EXCLUSIVE lock.',
    ],
  };
}

/**
 * A foreign key with no index serving the lookup on the referencing table. PostgreSQL does not
 * create one (MySQL's InnoDB does): without it every DELETE or key UPDATE on the referenced
 * table scans the referencing table, and joins along the key cannot use an index.
 */
export const unindexedForeignKey = defineRule({
  id: 'unindexed-foreign-key',
  severity: 'medium',
  docs: { description: 'Foreign keys whose referencing columns lead no valid index, so deletes on the referenced table scan this one.' },
  check({ model, lookup, options }) {
    if (model.capabilities.foreignKeysAutoIndexed) return [];
    const takenBySchema = takenRelationNames(model);
    const findings: Finding[] = [];
    for (const fk of model.foreignKeys) {
      const table = lookup.table(fk.schema, fk.table);
      if (hasServingIndex(table, fk, lookup)) continue;
      const referenced = lookup.table(fk.referencedTable.schema, fk.referencedTable.name);
      const name = newIndexName(fk.schema, fk.table, fk, takenBySchema);
      const columns = fk.columns.map((c) => c.column);
      const ref = `${fk.referencedTable.schema}.${fk.referencedTable.name}`;
      findings.push({
        rule: 'unindexed-foreign-key',
        severity: trafficSeverity([table, referenced], options),
        schema: fk.schema,
        table: fk.table,
        constraint: fk.name,
        columns,
        message: `Foreign key ${fk.name} on ${fk.schema}.${fk.table} (${columns.join(', ')}) has no index: PostgreSQL does not create one, so every DELETE or key UPDATE on ${ref} scans ${fk.table}.`,
        help: `Create an index on ${fk.schema}.${fk.table} (${columns.join(', ')}) concurrently.`,
        evidence: {
          foreignKey: fk.definition,
          onDelete: fk.onDelete,
          onUpdate: fk.onUpdate,
          table: tableEvidence(table),
          referencedTable: { name: ref, ...tableEvidence(referenced) },
          proposedIndex: name,
        },
        fix: createFix(fk, table, name, lookup, takenBySchema),
      });
    }
    return findings;
  },
});
