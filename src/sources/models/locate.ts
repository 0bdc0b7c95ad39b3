/**
 * Ties the objects of a model read from the database (or the scratch copy of the models) to the
 * lines of the model files that declare them: an index to its `Index(...)` entry or to the column
 * with `index=True`; a unique constraint to its `UniqueConstraint(...)` or the `unique=True`
 * column; a foreign key to its column or `ForeignKeyConstraint(...)`; a table to its class.
 */
import type { DeclaredIndexRef, DeclaredSchema, ForeignKey, Index, SchemaModel, SourceLocation, Table } from '../../model/types.js';
import type { ColumnDeclaration, ModelDeclarations, TableDeclaration, TableItemDeclaration } from './declarations.js';
import { conventionName } from './static-ddl.js';

function plainColumns(index: Index): string[] | null {
  const columns = index.keys.map((k) => (k.kind === 'column' ? k.column : null));
  return columns.every((c): c is string => c !== null) ? columns : null;
}

function sameColumns(a: readonly (string | null)[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}

/** Where the models declare this index, if they do. */
function indexLocation(
  index: Index,
  table: TableDeclaration | undefined,
  loose: readonly TableItemDeclaration[],
): SourceLocation | undefined {
  const named = (item: TableItemDeclaration): boolean =>
    item.name === index.name || (index.constraint !== null && item.name === index.constraint.name);
  const byName = table?.items.find(named) ?? loose.find(named);
  if (byName) return byName.location;
  const columns = plainColumns(index);
  if (!table || columns === null) return undefined;
  if (index.primary) {
    return (
      table.items.find((i) => i.kind === 'primary-key' && sameColumns(i.columns, columns))?.location ??
      (columns.length === 1 ? table.columns.find((c) => c.name === columns[0] && c.primaryKey)?.location : undefined)
    );
  }
  const item = table.items.find(
    (i) => (i.kind === 'index' || i.kind === 'unique') && i.name === null && i.unique === index.unique && sameColumns(i.columns, columns),
  );
  if (item) return item.location;
  if (columns.length !== 1) return undefined;
  const column: ColumnDeclaration | undefined = table.columns.find((c) => c.name === columns[0]);
  if (!column) return undefined;
  // index=True makes an index (unique with unique=True); unique=True alone a unique constraint.
  if (column.index && column.unique === index.unique) return column.location;
  if (!column.index && column.unique && index.unique) return column.location;
  return undefined;
}

function foreignKeyLocation(fk: ForeignKey, table: TableDeclaration | undefined): SourceLocation | undefined {
  if (!table) return undefined;
  const columns = fk.columns.map((c) => c.column);
  const item = table.items.find((i) => i.kind === 'foreign-key' && (i.name === fk.name || sameColumns(i.columns, columns)));
  if (item) return item.location;
  if (columns.length !== 1) return undefined;
  return table.columns.find((c) => c.name === columns[0] && c.references !== null)?.location;
}

/** The model with the locations of what the models declare. */
export function withDeclarationLocations(model: SchemaModel, declarations: ModelDeclarations): SchemaModel {
  const tables = new Map<string, TableDeclaration>();
  for (const t of declarations.tables) tables.set(t.name, t);
  const declared = (t: Pick<Table, 'name'>): TableDeclaration | undefined => tables.get(t.name);
  return {
    ...model,
    tables: model.tables.map((t) => {
      const location = declared(t)?.location;
      return location ? { ...t, location } : t;
    }),
    indexes: model.indexes.map((i) => {
      const location = indexLocation(i, declared({ name: i.table }), declarations.looseIndexes);
      return location ? { ...i, location } : i;
    }),
    foreignKeys: model.foreignKeys.map((fk) => {
      const location = foreignKeyLocation(fk, declared({ name: fk.table }));
      return location ? { ...fk, location } : fk;
    }),
  };
}

/** What the models declare, to compare with a live database (`--models`); names as SQLAlchemy gives them. */
export function declaredSchema(declarations: ModelDeclarations, source: string, defaultSchema: string): DeclaredSchema {
  const named = (key: string, table: string, columns: readonly string[], fallback: string): string =>
    conventionName(declarations.namingConvention, key, table, columns, fallback);
  const tables: DeclaredSchema['tables'][number][] = [];
  const indexes: DeclaredIndexRef[] = [];
  for (const table of declarations.tables) {
    const schema = table.schema ?? defaultSchema;
    tables.push({ schema, name: table.name, location: table.location });
    const ref = (
      name: string,
      columns: readonly string[],
      unique: boolean,
      primaryKey: boolean,
      location: SourceLocation,
    ): DeclaredIndexRef => ({
      schema,
      table: table.name,
      name,
      columns,
      unique,
      primaryKey,
      location,
    });
    const keys = table.columns.filter((c) => c.primaryKey);
    if (keys.length > 0)
      indexes.push(
        ref(
          `${table.name}_pkey`,
          keys.map((c) => c.name),
          true,
          true,
          keys[0]!.location,
        ),
      );
    for (const column of table.columns) {
      if (column.index)
        indexes.push(
          ref(
            named('ix', table.name, [column.name], `ix_${table.name}_${column.name}`),
            [column.name],
            column.unique,
            false,
            column.location,
          ),
        );
      else if (column.unique && !column.primaryKey)
        indexes.push(
          ref(named('uq', table.name, [column.name], `${table.name}_${column.name}_key`), [column.name], true, false, column.location),
        );
    }
    for (const item of table.items) {
      if (item.kind === 'foreign-key' || item.columns.some((c) => c === null)) continue;
      const columns = item.columns as string[];
      const name =
        item.name ??
        (item.kind === 'primary-key'
          ? `${table.name}_pkey`
          : `${table.name}_${columns.join('_')}_${item.kind === 'index' ? 'idx' : 'key'}`);
      indexes.push(ref(name, columns, item.unique, item.kind === 'primary-key', item.location));
    }
  }
  return { source, tables, indexes };
}
