/**
 * The actions rules propose, built one way for every rule: dropping an index (through its
 * constraint when it implements one, with the partition indexes below a partitioned index), and
 * creating a new index from keys (on every partition of a partitioned table, with names the
 * audit's allocator hands out).
 */
import type { FixAction, IndexSpec, PartitionIndexSpec } from '../model/actions.js';
import type { Index, SchemaModel, Table } from '../model/types.js';

export { newIndexSpec, plainKey } from '../model/actions.js';
import type { NameAllocator } from '../semantics/names.js';
import { foreignKeysKeptBy, keepsForeignKeyIndexed } from '../semantics/foreign-keys.js';

/**
 * Where the engine needs an index for each foreign key (InnoDB), which index keeps serving the ones
 * `dropped` served: `kept` (the rules never drop the last one), as a sentence; empty elsewhere.
 */
export function foreignKeysNote(dropped: Index, kept: Index, model: SchemaModel): string {
  const served = foreignKeysKeptBy(dropped, model);
  if (served.length === 0) return '';
  const names = served.map((fk) => fk.name).join(', ');
  const keeper = served.every((fk) => keepsForeignKeyIndexed(kept, fk))
    ? kept.name
    : model.indexes
        .filter((i) => i !== dropped && served.every((fk) => keepsForeignKeyIndexed(i, fk)))
        .map((i) => i.name)
        .join(' or ');
  return ` Foreign key ${names} needs an index on its columns; ${keeper} keeps serving it.`;
}

/** Every index attached below a partitioned index, at any depth. */
function attachedBelow(index: Index, indexes: readonly Index[]): Index[] {
  const out: Index[] = [];
  const visit = (parent: Index): void => {
    for (const child of indexes) {
      if (child.parentIndex?.schema === parent.schema && child.parentIndex.name === parent.name) {
        out.push(child);
        visit(child);
      }
    }
  };
  visit(index);
  return out;
}

/** The action that removes an index: through its UNIQUE or PRIMARY KEY constraint when it implements one. */
export function dropAction(index: Index, model: SchemaModel): FixAction {
  if (index.constraint && index.constraint.type !== 'exclusion') return { kind: 'drop-constraint', index };
  return { kind: 'drop-index', index, attached: index.partitioned ? attachedBelow(index, model.indexes) : [] };
}

/** Direct partitions of a partitioned table. */
function partitionsOf(table: Table, model: SchemaModel): Table[] {
  return model.tables.filter((t) => t.parent?.schema === table.schema && t.parent.name === table.name);
}

/**
 * Creates `spec` on its table; on a partitioned table also the same index on each direct
 * partition (named by the allocator from `nameParts`), to be attached to the parent's.
 */
export function createAction(
  spec: IndexSpec,
  table: Table | undefined,
  model: SchemaModel,
  names: NameAllocator,
  nameParts: readonly string[],
): FixAction {
  if (table?.kind !== 'partitioned') return { kind: 'create-index', index: spec, onPartitionedTable: false, partitions: [] };
  const partitions: PartitionIndexSpec[] = partitionsOf(table, model).map((p) => ({
    index: { ...spec, schema: p.schema, table: p.name, name: names.indexName(p.schema, p.name, nameParts), comment: null },
    partitioned: p.kind === 'partitioned',
  }));
  return { kind: 'create-index', index: spec, onPartitionedTable: true, partitions };
}
