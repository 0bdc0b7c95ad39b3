import type { Column, ForeignKey, QualifiedName, TypeCategory } from '../../model/types.js';
import { SQLITE_SCHEMA, quoteSqliteIdentifier } from './map-indexes.js';
import type { ColumnRow, ForeignKeyRow } from './rows.js';

/**
 * What kind of values a column holds, from its declared type. SQLite stores any value in any
 * column; the declared type is what the application meant, read by the same substrings SQLite's
 * affinity rules use (INT, CHAR/CLOB/TEXT, BLOB, REAL/FLOA/DOUB), after the names of kinds that
 * affinity folds into NUMERIC (BOOLEAN, DATE/TIME, JSON, UUID).
 */
function sqliteTypeCategory(declared: string): TypeCategory {
  const t = declared.toUpperCase();
  if (t === '') return 'other';
  if (t.includes('BOOL')) return 'boolean';
  if (t.includes('UUID') || t.includes('GUID')) return 'uuid';
  if (t.includes('JSON')) return 'json';
  if (t.includes('DATE') || t.includes('TIME')) return 'datetime';
  if (t.includes('INT')) return 'numeric';
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT')) return 'string';
  if (t.includes('BLOB')) return 'other';
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB') || t.includes('NUM') || t.includes('DEC')) return 'numeric';
  return 'other';
}

/** A column; its collation is named when declared and not BINARY (the default). */
export function mapSqliteColumn(row: ColumnRow, declaredCollation: string | undefined): Column {
  return {
    name: row.name,
    position: row.cid + 1,
    type: row.type,
    notNull: row.not_null === 1,
    collation: declaredCollation !== undefined && declaredCollation.toUpperCase() !== 'BINARY' ? declaredCollation : null,
    typeCategory: sqliteTypeCategory(row.type),
    // SQLite keeps no per-column statistics (sqlite_stat1 is per index).
    statistics: null,
  };
}

/**
 * The rowid alias of a rowid table: its single primary-key column declared exactly INTEGER, unless
 * SQLite made an automatic index for the key (`INTEGER PRIMARY KEY DESC` is not an alias, and gets one).
 */
export function rowidAliasOf(columns: readonly ColumnRow[], hasPrimaryKeyIndex: boolean): string | null {
  const key = columns.filter((c) => c.pk > 0);
  if (hasPrimaryKeyIndex || key.length !== 1 || key[0]!.type.toUpperCase() !== 'INTEGER') return null;
  return key[0]!.name;
}

/** What foreign-key mapping needs of the tables. */
export interface ForeignKeyTables {
  /** Columns per table, as read. */
  readonly columns: ReadonlyMap<string, readonly Column[]>;
  /** Primary-key columns per table, in key order. */
  readonly primaryKeys: ReadonlyMap<string, readonly string[]>;
  /** The INTEGER PRIMARY KEY column (the rowid) per rowid table that has one. */
  readonly rowidAliases?: ReadonlyMap<string, string | null>;
}

/**
 * The collation SQLite's foreign-key check compares with, uppercased (names are case-insensitive):
 * the referenced (parent) column's, BINARY unless declared (fkey.c puts the parent's collation on
 * the parent's value); a parent rowid has none, so the referencing column's own decides.
 */
function checkCollation(child: Column | undefined, parent: Column | undefined, parentIsRowid: boolean): string {
  const decided = parentIsRowid ? child : parent;
  return (decided?.collation ?? 'BINARY').toUpperCase();
}

/**
 * Foreign keys, one per pragma_foreign_key_list id. A missing `to` means the parent's primary
 * key. SQLite does not report constraint names; a foreign key is named
 * `<table>_<columns>_fkey`, as PostgreSQL would name it by default.
 */
export function mapSqliteForeignKeys(rows: readonly ForeignKeyRow[], tables: ForeignKeyTables, limitations: string[]): ForeignKey[] {
  const groups = new Map<string, ForeignKeyRow[]>();
  for (const row of rows) {
    const key = `${row.table_name}\u0000${row.id}`;
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return [...groups.values()].map((parts) => {
    const first = parts[0]!;
    const parentKey = tables.primaryKeys.get(first.referenced_table);
    if (!tables.columns.has(first.referenced_table)) {
      limitations.push(`a foreign key of ${first.table_name} references ${first.referenced_table}, which does not exist`);
    }
    const own = tables.columns.get(first.table_name) ?? [];
    const parentColumns = tables.columns.get(first.referenced_table) ?? [];
    const rowid = tables.rowidAliases?.get(first.referenced_table) ?? null;
    const columns = parts.map((p, i) => {
      const referencedColumn = p.referenced_column ?? parentKey?.[i] ?? '';
      const same = (name: string) => (c: Column) => c.name.toLowerCase() === name.toLowerCase();
      const child = own.find(same(p.column_name));
      const ownCollation = (child?.collation ?? 'BINARY').toUpperCase();
      const check = checkCollation(
        child,
        parentColumns.find(same(referencedColumn)),
        rowid !== null && rowid.toLowerCase() === referencedColumn.toLowerCase(),
      );
      return {
        column: p.column_name,
        referencedColumn,
        equalityOpfamilies: [],
        // Index keys carry their collation explicitly (BINARY included): so does the column's here.
        collation: ownCollation,
        ...(check !== ownCollation ? { checkCollation: check } : {}),
      };
    });
    const names = columns.map((c) => c.column);
    const actions = [
      first.on_delete !== 'NO ACTION' ? ` ON DELETE ${first.on_delete}` : '',
      first.on_update !== 'NO ACTION' ? ` ON UPDATE ${first.on_update}` : '',
    ];
    return {
      schema: SQLITE_SCHEMA,
      name: `${first.table_name}_${names.join('_')}_fkey`,
      table: first.table_name,
      columns,
      referencedTable: { schema: SQLITE_SCHEMA, name: first.referenced_table },
      onDelete: first.on_delete,
      onUpdate: first.on_update,
      validated: true,
      definition: `FOREIGN KEY (${names.map(quoteSqliteIdentifier).join(', ')}) REFERENCES ${quoteSqliteIdentifier(first.referenced_table)} (${columns.map((c) => quoteSqliteIdentifier(c.referencedColumn)).join(', ')})${actions.join('')}`,
    };
  });
}

/** An index SQLite can use for a foreign key's parent lookups: unique, not partial, on exactly the parent columns. */
interface ParentIndexCandidate {
  readonly table: string;
  readonly name: string;
  readonly unique: boolean;
  readonly partial: boolean;
  readonly columns: readonly string[];
}

/**
 * Foreign keys by the parent index that enforces their parent key (`table\0index`): SQLite
 * requires a PRIMARY KEY or UNIQUE index on exactly the parent columns, in any order.
 */
export function foreignKeysByParentIndex(
  foreignKeys: readonly ForeignKey[],
  candidates: readonly ParentIndexCandidate[],
): Map<string, QualifiedName[]> {
  const byIndex = new Map<string, QualifiedName[]>();
  for (const fk of foreignKeys) {
    const wanted = new Set(fk.columns.map((c) => c.referencedColumn.toLowerCase()));
    const index = candidates.find(
      (c) =>
        c.table === fk.referencedTable.name &&
        c.unique &&
        !c.partial &&
        c.columns.length === wanted.size &&
        c.columns.every((col) => wanted.has(col.toLowerCase())),
    );
    if (!index) continue;
    const key = `${index.table}\u0000${index.name}`;
    byIndex.set(key, [...(byIndex.get(key) ?? []), { schema: fk.schema, name: fk.name }]);
  }
  return byIndex;
}
