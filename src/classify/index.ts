import type { ModelLookup } from '../model/lookup.js';
import { qualifiedKey } from '../model/lookup.js';
import type { SchemaModel } from '../model/types.js';
import type { TableClassification, TableTypes } from './types.js';

export type * from './types.js';

/** Looks classifications up by table. */
export function tableTypesOf(all: readonly TableClassification[]): TableTypes {
  const byKey = new Map(all.map((c) => [qualifiedKey({ schema: c.schema, name: c.table }), c]));
  return { all, of: (schema, table) => byKey.get(qualifiedKey({ schema, name: table })) };
}

/** Classifies every table of the model. */
export function classifyTables(model: SchemaModel, _lookup: ModelLookup): TableTypes {
  // Interim: every table unknown until the statistics-based classifier lands (issue 3).
  return tableTypesOf(
    model.tables.map((t) => ({ schema: t.schema, table: t.name, type: 'unknown', confidence: 'low', source: 'statistics', evidence: [] })),
  );
}
