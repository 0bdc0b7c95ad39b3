import type { ForeignKey, Index, QualifiedName, SchemaModel, Table } from './types.js';

/** A stable map key for a schema-qualified name. */
export function qualifiedKey(name: QualifiedName): string {
  return `${name.schema}\u0000${name.name}`;
}

/** Lookups a model answers often; built once per audit, linear in the model's size. */
export interface ModelLookup {
  readonly model: SchemaModel;
  table(schema: string, name: string): Table | undefined;
  indexesOf(table: QualifiedName): readonly Index[];
  foreignKeysOf(table: QualifiedName): readonly ForeignKey[];
  /** Foreign keys that reference the given table. */
  foreignKeysReferencing(table: QualifiedName): readonly ForeignKey[];
}

function pushTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Builds the lookup tables for a model. */
export function buildLookup(model: SchemaModel): ModelLookup {
  const tables = new Map<string, Table>();
  for (const t of model.tables) tables.set(qualifiedKey(t), t);
  const indexes = new Map<string, Index[]>();
  for (const i of model.indexes) pushTo(indexes, qualifiedKey({ schema: i.schema, name: i.table }), i);
  const fks = new Map<string, ForeignKey[]>();
  const referencing = new Map<string, ForeignKey[]>();
  for (const fk of model.foreignKeys) {
    pushTo(fks, qualifiedKey({ schema: fk.schema, name: fk.table }), fk);
    pushTo(referencing, qualifiedKey(fk.referencedTable), fk);
  }
  return {
    model,
    table: (schema, name) => tables.get(qualifiedKey({ schema, name })),
    indexesOf: (t) => indexes.get(qualifiedKey(t)) ?? [],
    foreignKeysOf: (t) => fks.get(qualifiedKey(t)) ?? [],
    foreignKeysReferencing: (t) => referencing.get(qualifiedKey(t)) ?? [],
  };
}
