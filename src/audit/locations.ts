/**
 * Findings point at the line to change when the model knows where an object is declared (a
 * schema file, a migration, an ORM model): the index a finding acts on first, else the
 * constraint (a foreign key), else the table.
 */
import type { SchemaModel, SourceLocation } from '../model/types.js';
import type { Finding } from '../rules/types.js';

/** The findings, each with the `location` of the object it is about where the model has one. */
export function withLocations(findings: readonly Finding[], model: SchemaModel): Finding[] {
  const key = (schema: string, name: string): string => `${schema}\u0000${name}`;
  const indexes = new Map<string, SourceLocation>();
  for (const i of model.indexes) if (i.location) indexes.set(key(i.schema, i.name), i.location);
  const constraints = new Map<string, SourceLocation>();
  for (const fk of model.foreignKeys) if (fk.location) constraints.set(key(fk.schema, `${fk.table}\u0000${fk.name}`), fk.location);
  for (const i of model.indexes) {
    if (i.constraint && i.location) constraints.set(key(i.schema, `${i.table}\u0000${i.constraint.name}`), i.location);
  }
  const tables = new Map<string, SourceLocation>();
  for (const t of model.tables) if (t.location) tables.set(key(t.schema, t.name), t.location);
  if (indexes.size === 0 && constraints.size === 0 && tables.size === 0) return [...findings];
  return findings.map((f) => {
    const location =
      (f.index !== undefined ? indexes.get(key(f.schema, f.index)) : undefined) ??
      (f.constraint !== undefined ? constraints.get(key(f.schema, `${f.table}\u0000${f.constraint}`)) : undefined) ??
      tables.get(key(f.schema, f.table));
    return location === undefined || f.location !== undefined ? f : { ...f, location };
  });
}
