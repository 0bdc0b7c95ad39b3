import type { DeclaredIndexRef, Index } from '../model/types.js';
import { defineRule } from './define-rule.js';
import type { Finding } from './types.js';

const same = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** The plain columns of an index, or null when a key is an expression (models declare columns only). */
function columnsOf(index: Index): string[] | null {
  return index.keys.every((k) => k.kind === 'column' && k.column !== null) ? index.keys.map((k) => k.column!) : null;
}

function declares(declared: DeclaredIndexRef, index: Index): boolean {
  const columns = columnsOf(index);
  return (
    columns !== null &&
    declared.schema === index.schema &&
    declared.table === index.table &&
    declared.unique === index.unique &&
    same(declared.columns, columns)
  );
}

/**
 * The database and the application's models disagree (`--models`): an index in the database that
 * no model declares (the next `alembic revision --autogenerate` drops it), or one the models
 * declare that the database lacks (a migration was never written or never run). Indexes are
 * matched by table, columns and uniqueness, not by name, so a renamed index is not drift.
 */
export const modelDrift = defineRule({
  id: 'model-drift',
  severity: 'low',
  docs: {
    description:
      'Indexes in the database that the SQLAlchemy models do not declare, or declared by the models but missing from the database.',
  },
  check({ model }) {
    const declared = model.declared;
    if (declared === undefined) return [];
    const findings: Finding[] = [];
    const modelled = new Set(declared.tables.map((t) => `${t.schema}.${t.name}`));
    const present = new Set(model.tables.map((t) => `${t.schema}.${t.name}`));
    for (const table of declared.tables) {
      if (present.has(`${table.schema}.${table.name}`)) continue;
      findings.push({
        rule: 'model-drift',
        severity: 'low',
        schema: table.schema,
        table: table.name,
        message: `The models (${declared.source}) declare table ${table.schema}.${table.name}, which the database does not have.`,
        help: 'Run the migrations that create it, or remove the model if the table is gone for good.',
        evidence: { direction: 'declared-not-in-database', models: declared.source },
        location: table.location,
      });
    }
    for (const index of model.indexes) {
      if (!modelled.has(`${index.schema}.${index.table}`) || index.clustered === true) continue;
      if (declared.indexes.some((d) => declares(d, index))) continue;
      const columns = columnsOf(index);
      findings.push({
        rule: 'model-drift',
        severity: 'low',
        schema: index.schema,
        table: index.table,
        index: index.name,
        ...(columns !== null ? { columns } : {}),
        message: `Index ${index.name} on ${index.schema}.${index.table} exists in the database, but no model in ${declared.source} declares it: the next alembic revision --autogenerate will drop it.`,
        help: `Declare it in the model of ${index.table} (index=True, or an Index(...) in __table_args__), or drop it with a migration if nothing needs it.`,
        evidence: { direction: 'in-database-not-declared', definition: index.definition, models: declared.source },
      });
    }
    for (const d of declared.indexes) {
      if (!present.has(`${d.schema}.${d.table}`)) continue;
      if (model.indexes.some((i) => declares(d, i))) continue;
      findings.push({
        rule: 'model-drift',
        severity: 'low',
        schema: d.schema,
        table: d.table,
        index: d.name,
        columns: d.columns,
        message: `The models declare ${d.primaryKey ? 'primary key' : d.unique ? 'unique index' : 'index'} ${d.name} on ${d.schema}.${d.table} (${d.columns.join(', ')}), but the database has no such index: its migration was never written or never run.`,
        help: 'Write the migration (alembic revision --autogenerate) and run it, or remove the declaration if the index is not wanted.',
        evidence: { direction: 'declared-not-in-database', models: declared.source },
        location: d.location,
      });
    }
    return findings;
  },
});
