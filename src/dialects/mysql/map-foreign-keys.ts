import type { Column, ForeignKey, QualifiedName } from '../../model/types.js';
import { mysqlForeignKeyDefinition } from './definition.js';
import { indexKey } from './map-indexes.js';
import type { ForeignKeyRow } from './rows.js';
import type { MysqlProduct } from './server.js';

/** What a foreign key's mapping needs to know of its table. */
export interface ForeignKeyTableFacts {
  readonly columns: readonly Column[];
  readonly collation: string | null;
}

/** Groups KEY_COLUMN_USAGE rows (ordered by constraint and ORDINAL_POSITION) into foreign keys. */
export function mapForeignKeys(
  rows: readonly ForeignKeyRow[],
  tables: ReadonlyMap<string, ForeignKeyTableFacts>,
  product: MysqlProduct,
): ForeignKey[] {
  const groups = new Map<string, ForeignKeyRow[]>();
  for (const row of rows) {
    const key = indexKey(row.constraint_schema, row.table_name, row.constraint_name);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return [...groups.values()].map((parts) => {
    const first = parts[0]!;
    const table = tables.get(`${first.constraint_schema}\u0000${first.table_name}`);
    const columns = parts.map((p) => {
      const column = table?.columns.find((c) => c.name === p.column_name);
      const collatable = column !== undefined && (column.typeCategory === 'string' || column.typeCategory === 'enum');
      return {
        column: p.column_name,
        referencedColumn: p.referenced_column_name,
        // PostgreSQL operator families have no MySQL counterpart: a key serves the check when its column and collation match.
        equalityOpfamilies: [],
        collation: collatable ? (column.collation ?? table?.collation ?? null) : null,
      };
    });
    return {
      schema: first.constraint_schema,
      name: first.constraint_name,
      table: first.table_name,
      columns,
      referencedTable: { schema: first.referenced_table_schema, name: first.referenced_table_name },
      onDelete: first.delete_rule,
      onUpdate: first.update_rule,
      // MySQL has no NOT VALID; rows loaded with foreign_key_checks=0 are not tracked anywhere.
      validated: true,
      definition: mysqlForeignKeyDefinition(
        {
          name: first.constraint_name,
          schema: first.constraint_schema,
          columns: parts.map((p) => p.column_name),
          referencedSchema: first.referenced_table_schema,
          referencedTable: first.referenced_table_name,
          referencedColumns: parts.map((p) => p.referenced_column_name),
          onDelete: first.delete_rule,
          onUpdate: first.update_rule,
        },
        product,
      ),
    };
  });
}

/**
 * Foreign keys by the referenced index they use (`schema\0table\0index`), as the server names it
 * in REFERENTIAL_CONSTRAINTS.UNIQUE_CONSTRAINT_NAME; a foreign key whose index the server does
 * not name is left out rather than guessed.
 */
export function foreignKeysByReferencedIndex(rows: readonly ForeignKeyRow[]): Map<string, QualifiedName[]> {
  const byIndex = new Map<string, QualifiedName[]>();
  for (const row of rows) {
    if (row.unique_constraint_name === null || Number(row.ordinal_position) !== 1) continue;
    const key = indexKey(row.referenced_table_schema, row.referenced_table_name, row.unique_constraint_name);
    const list = byIndex.get(key) ?? [];
    list.push({ schema: row.constraint_schema, name: row.constraint_name });
    byIndex.set(key, list);
  }
  return byIndex;
}
