/**
 * Name resolution against the schema model: which table an unqualified name means, which
 * columns a table has. Built once per model.
 */
import type { QualifiedName, SchemaModel, Table } from '../model/types.js';
import type { QueryTableRef } from '../model/workload.js';

/** What analysis needs to know about the model's tables, by name. */
export interface ModelTables {
  /** The model table a reference means, or undefined when it is not in the model. */
  find(schema: string | null, name: string): Table | undefined;
}

/**
 * Builds the table lookup. An unqualified name resolves as `search_path = "$user", public`
 * would: to `public.name` when the model has it, else to the only model schema with a table
 * of that name; a name several non-public schemas have stays unresolved.
 */
export function modelTables(model: SchemaModel): ModelTables {
  const byName = new Map<string, Table[]>();
  for (const table of model.tables) {
    const list = byName.get(table.name);
    if (list) list.push(table);
    else byName.set(table.name, [table]);
  }
  return {
    find(schema, name) {
      const candidates = byName.get(name) ?? [];
      if (schema !== null) return candidates.find((t) => t.schema === schema);
      return candidates.find((t) => t.schema === 'public') ?? (candidates.length === 1 ? candidates[0] : undefined);
    },
  };
}

/** Resolves a table reference as written (`schema` null when unqualified) against the model. */
export function resolveTable(model: SchemaModel | ModelTables, schema: string | null, name: string): QueryTableRef {
  const tables = 'find' in model ? model : modelTables(model);
  const table = tables.find(schema, name);
  return table ? { schema: table.schema, table: table.name, inModel: true } : { schema, table: name, inModel: false };
}

/** True when a workload table reference and a model table (or index's table) are the same table. */
export function sameTable(ref: QueryTableRef, table: QualifiedName): boolean {
  return ref.inModel && ref.schema === table.schema && ref.table === table.name;
}
