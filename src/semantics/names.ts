import type { SchemaModel } from '../model/types.js';
import { truncateIdentifier } from '../sql/quote.js';

/**
 * Relation names in use, per schema: tables, indexes and every other relation the model knows
 * of (sequences, views, composite types, extension-owned tables…). An index shares its schema's
 * namespace with all of them, and `CREATE INDEX … IF NOT EXISTS` with a taken name silently does
 * nothing, so a new index must avoid every one.
 */
export function takenRelationNames(model: SchemaModel): Map<string, Set<string>> {
  const taken = new Map<string, Set<string>>();
  const add = (schema: string, name: string): void => {
    let names = taken.get(schema);
    if (!names) taken.set(schema, (names = new Set()));
    names.add(name);
  };
  for (const t of model.tables) add(t.schema, t.name);
  for (const i of model.indexes) add(i.schema, i.name);
  for (const r of model.otherRelations ?? []) add(r.schema, r.name);
  return taken;
}

/** `base` cut to PostgreSQL's 63 bytes, with a number appended (still within 63 bytes) until no name in `taken` is the same. */
export function freeRelationName(base: string, taken: ReadonlySet<string>): string {
  const cut = truncateIdentifier(base);
  let name = cut;
  for (let n = 1; taken.has(name); n++) name = truncateIdentifier(cut, 63 - String(n).length) + n;
  return name;
}
