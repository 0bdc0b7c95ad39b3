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

/** schema → name → value, so that a lookup builds no key string (rules look tables up per index). */
class ByQualifiedName<T> {
  readonly #bySchema = new Map<string, Map<string, T>>();

  get(schema: string, name: string): T | undefined {
    return this.#bySchema.get(schema)?.get(name);
  }

  set(schema: string, name: string, value: T): void {
    let byName = this.#bySchema.get(schema);
    if (!byName) this.#bySchema.set(schema, (byName = new Map<string, T>()));
    byName.set(name, value);
  }
}

function pushTo<T>(map: ByQualifiedName<T[]>, schema: string, name: string, value: T): void {
  const list = map.get(schema, name);
  if (list) list.push(value);
  else map.set(schema, name, [value]);
}

const NONE: readonly never[] = [];

/** Builds the lookup tables for a model. */
export function buildLookup(model: SchemaModel): ModelLookup {
  const tables = new ByQualifiedName<Table>();
  for (const t of model.tables) tables.set(t.schema, t.name, t);
  const indexes = new ByQualifiedName<Index[]>();
  for (const i of model.indexes) pushTo(indexes, i.schema, i.table, i);
  const fks = new ByQualifiedName<ForeignKey[]>();
  const referencing = new ByQualifiedName<ForeignKey[]>();
  for (const fk of model.foreignKeys) {
    pushTo(fks, fk.schema, fk.table, fk);
    pushTo(referencing, fk.referencedTable.schema, fk.referencedTable.name, fk);
  }
  return {
    model,
    table: (schema, name) => tables.get(schema, name),
    indexesOf: (t) => indexes.get(t.schema, t.name) ?? NONE,
    foreignKeysOf: (t) => fks.get(t.schema, t.name) ?? NONE,
    foreignKeysReferencing: (t) => referencing.get(t.schema, t.name) ?? NONE,
  };
}
